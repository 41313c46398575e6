// Building the segment popularity table (model/ranker/segmentPopularity.ts) from a shop's events: the users'
// demographics (gender from users.csv), then recency-weighted counts per fine segment and each item's group.
import fs from 'node:fs';
import path from 'node:path';
import {
  EVENT_WEIGHTS,
  GENDERS,
  N_KEYS,
  SEGMENT_HALF_LIFE_DAYS,
  UNKNOWN_BIRTH_YEAR,
  UNKNOWN_CODE,
  ageBandOf,
  demographicCodes,
  fineKey,
  type Demographics,
  type SegmentTable,
} from '../../model';
import type { ShopData } from '../data/shop';

const DAY_MS = 86_400_000;

/** Age band, region and gender codes of the shop's users (gender from readGenders, unknown without it). */
export function shopDemographics(shop: ShopData, genders?: Uint8Array): Demographics[] {
  const out: Demographics[] = new Array(shop.nUsers);
  for (let u = 0; u < shop.nUsers; u++) {
    const by = shop.users.birthYear[u];
    const r = shop.users.region[u];
    const g = genders?.[u];
    const l = shop.users.loyalty[u];
    out[u] = {
      ageBand: by === UNKNOWN_BIRTH_YEAR ? undefined : ageBandOf(by, shop.refYear),
      region: r === UNKNOWN_CODE ? undefined : r,
      gender: g === undefined || g === UNKNOWN_CODE ? undefined : g,
      loyalty: l === UNKNOWN_CODE ? undefined : l,
    };
  }
  return out;
}

/**
 * The users' genders from the shop's users.csv (ShopData does not carry them), UNKNOWN_CODE where missing or
 * unrecognised; undefined when the shop has no users.csv with a gender column (a Neo4j export).
 */
export function readGenders(shop: ShopData): Uint8Array | undefined {
  const file = shop.dir ? path.join(shop.dir, 'users.csv') : '';
  if (!file || !fs.existsSync(file)) return undefined;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const head = lines[0].split(',');
  const gi = head.indexOf('gender');
  const ui = head.indexOf('user_id');
  if (gi < 0 || ui < 0) return undefined;
  const row = new Map(shop.userIds.map((id, u) => [id, u]));
  const out = new Uint8Array(shop.nUsers).fill(UNKNOWN_CODE);
  for (let k = 1; k < lines.length; k++) {
    const cols = lines[k].split(',');
    const u = row.get(cols[ui]);
    const g = GENDERS.indexOf(cols[gi] as (typeof GENDERS)[number]);
    if (u !== undefined && g >= 0) out[u] = g;
  }
  return out;
}

/** Recency-weighted event counts per fine segment, from the events before `cutoff`. */
export function buildSegmentTable(shop: ShopData, demo: Demographics[], cutoff: number): SegmentTable {
  const ev = shop.events;
  const nI = shop.nItems;
  const rows = Array.from({ length: N_KEYS }, () => new Map<number, number>());
  const keyOf = demo.map((d) => {
    const { a, r, g, l } = demographicCodes(d);
    return fineKey(a, r, g, l);
  });
  const decay = Math.LN2 / (SEGMENT_HALF_LIFE_DAYS * DAY_MS);
  for (let e = 0; e < ev.n; e++) {
    const ts = ev.ts[e];
    if (!(ts < cutoff)) continue;
    const w = EVENT_WEIGHTS[ev.type[e]] * Math.exp(-decay * (cutoff - ts));
    const m = rows[keyOf[ev.user[e]]];
    const i = ev.item[e];
    m.set(i, (m.get(i) ?? 0) + w);
  }
  const ptr = new Int32Array(N_KEYS + 1);
  for (let k = 0; k < N_KEYS; k++) ptr[k + 1] = ptr[k] + rows[k].size;
  const idx = new Int32Array(ptr[N_KEYS]);
  const val = new Float32Array(ptr[N_KEYS]);
  for (let k = 0; k < N_KEYS; k++) {
    const entries = [...rows[k].entries()].sort((x, y) => x[0] - y[0]);
    entries.forEach(([i, w], j) => {
      idx[ptr[k] + j] = i;
      val[ptr[k] + j] = w;
    });
  }
  const group = new Int32Array(nI);
  const groupOfCategory = new Map<number, number>();
  for (let i = 0; i < nI; i++) {
    const leaf = shop.items.category[i];
    const parent = shop.categoryParent[leaf];
    const c = parent >= 0 ? parent : leaf;
    let gi = groupOfCategory.get(c);
    if (gi === undefined) groupOfCategory.set(c, (gi = groupOfCategory.size));
    group[i] = gi;
  }
  return { nItems: nI, group, nGroups: Math.max(1, groupOfCategory.size), ptr, idx, val };
}
