// Popularity within a shopper's demographic segment, for users with no events. Each attribute a request may
// know (age band, region, gender, loyalty tier) lifts or lowers a category by how much more (or less) shoppers
// with that value interact with it than everyone does, and the lifts multiply:
//   score(i) = p(i) · Π_attributes L_a(group(i)),   L_a(g) = P(g | a) / P(g),
//   P(g | a) = (c_a(g) + alpha · P(g)) / (N_a + alpha)
// p(i) is the item's recency-weighted share of all events, group(i) its parent category (the leaf's parent),
// and alpha a smoothing mass (weighted events) that pulls a thin attribute value toward no lift. Multiplying
// per-attribute lifts, rather than counting each age x region x gender cell on its own, uses all of a band's
// events for its lift, so small cells are not noise; it is how tastes add up when each attribute shifts a
// category's odds. An unknown attribute contributes no lift: a user without demographics gets the recency-
// weighted popularity, the documented answer for missing data, never an error.
// The table is built from events before a cutoff (offline: the phase's; served: every event) and stored as
// segments.bin beside the other serving tables, by training/context/segmentTable.ts. Pure apart from
// readSegmentTable.
import fs from 'node:fs';
import path from 'node:path';
import { corrupt, GENDERS } from '../../core';
import { AGE_BANDS, LOYALTY_TIERS, REGIONS } from '../demographics';

export { GENDERS };
/** Codes per attribute: the known values, then one for "unknown". */
export const N_AGE = AGE_BANDS.length + 1;
export const N_REGION = REGIONS.length + 1;
export const N_GENDER = GENDERS.length + 1;
export const N_LOYALTY = LOYALTY_TIERS.length + 1;
export const N_KEYS = N_AGE * N_REGION * N_GENDER * N_LOYALTY;
/** Recency half-life of the counts: what a segment bought lately says more about this week than last year. */
export const SEGMENT_HALF_LIFE_DAYS = 28;

/** A shopper's demographics as codes (index into AGE_BANDS / REGIONS / GENDERS); undefined = unknown. */
export interface Demographics {
  ageBand?: number;
  region?: number;
  gender?: number;
  /** Index into LOYALTY_TIERS. */
  loyalty?: number;
}

export interface SegmentTable {
  nItems: number;
  /** Each item's group (its leaf category's parent, or the leaf for a root), 0..nGroups-1. */
  group: Int32Array;
  nGroups: number;
  /** Counts per fine key (age x region x gender x loyalty, unknown codes included): CSR over N_KEYS rows. */
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

/** Sums derived once per table: every item's count, and each attribute value's counts per group. */
interface Marginals {
  global: Float32Array;
  globalMass: number;
  groupShare: Float64Array;
  /** [attribute][value] -> counts per group and their mass. */
  byValue: Array<Array<{ counts: Float64Array; mass: number }>>;
}

export const fineKey = (a: number, r: number, g: number, l: number) =>
  ((a * N_REGION + r) * N_GENDER + g) * N_LOYALTY + l;
const SIZES = [N_AGE, N_REGION, N_GENDER, N_LOYALTY];
const code = (v: number | undefined, n: number) =>
  v === undefined || !Number.isInteger(v) || v < 0 || v >= n - 1 ? n - 1 : v;

/** The demographics' codes, unknown where missing or out of range. */
export function demographicCodes(d: Demographics): { a: number; r: number; g: number; l: number } {
  return {
    a: code(d.ageBand, N_AGE),
    r: code(d.region, N_REGION),
    g: code(d.gender, N_GENDER),
    l: code(d.loyalty, N_LOYALTY),
  };
}

/** Which attributes a shopper's list is based on (the known ones): for explanations. */
export function knownAttributes(d: Demographics): Array<'ageBand' | 'region' | 'gender' | 'loyalty'> {
  const { a, r, g, l } = demographicCodes(d);
  const out: Array<'ageBand' | 'region' | 'gender' | 'loyalty'> = [];
  if (a !== N_AGE - 1) out.push('ageBand');
  if (r !== N_REGION - 1) out.push('region');
  if (g !== N_GENDER - 1) out.push('gender');
  if (l !== N_LOYALTY - 1) out.push('loyalty');
  return out;
}

const marginalsCache = new WeakMap<SegmentTable, Marginals>();

function marginalsOf(t: SegmentTable): Marginals {
  const hit = marginalsCache.get(t);
  if (hit) return hit;
  const global = new Float32Array(t.nItems);
  let globalMass = 0;
  const byValue = SIZES.map((n) =>
    Array.from({ length: n }, () => ({ counts: new Float64Array(t.nGroups), mass: 0 })),
  );
  const groupShare = new Float64Array(t.nGroups);
  for (let k = 0; k < N_KEYS; k++) {
    const l = k % N_LOYALTY;
    const g = Math.floor(k / N_LOYALTY) % N_GENDER;
    const r = Math.floor(k / (N_LOYALTY * N_GENDER)) % N_REGION;
    const a = Math.floor(k / (N_LOYALTY * N_GENDER * N_REGION));
    const codes = [a, r, g, l];
    for (let e = t.ptr[k]; e < t.ptr[k + 1]; e++) {
      const i = t.idx[e];
      const w = t.val[e];
      const grp = t.group[i];
      global[i] += w;
      globalMass += w;
      groupShare[grp] += w;
      for (let x = 0; x < 4; x++) {
        const v = byValue[x][codes[x]];
        v.counts[grp] += w;
        v.mass += w;
      }
    }
  }
  if (globalMass > 0) for (let g = 0; g < t.nGroups; g++) groupShare[g] /= globalMass;
  const m = { global, globalMass, groupShare, byValue };
  marginalsCache.set(t, m);
  return m;
}

/**
 * Fill `out` with every item's segment score for these demographics: its popularity share times the lifts of
 * its group for each known attribute (see the header). All 0 for an empty table.
 */
export function segmentScores(
  t: SegmentTable,
  d: Demographics,
  alpha: number,
  out: Float32Array,
): Float32Array {
  const mg = marginalsOf(t);
  const lift = new Float64Array(t.nGroups).fill(1);
  const codes = demographicCodes(d);
  [codes.a, codes.r, codes.g, codes.l].forEach((v, x) => {
    if (v === SIZES[x] - 1) return; // unknown: no lift
    const row = mg.byValue[x][v];
    const z = 1 / (row.mass + alpha);
    for (let g = 0; g < t.nGroups; g++) {
      const p = mg.groupShare[g];
      if (p > 0) lift[g] *= ((row.counts[g] + alpha * p) * z) / p;
    }
  });
  const g0 = mg.globalMass > 0 ? 1 / mg.globalMass : 0;
  for (let i = 0; i < t.nItems; i++) out[i] = mg.global[i] * g0 * lift[t.group[i]];
  return out;
}

const MAGIC = 0x47535332; // "GSS2"
const HEADER = 20;
/** The serving file of a ranker version (absent in versions trained before it). */
export const SEGMENTS_FILE = 'segments.bin';

/** A version's segment table, or undefined when it has none; a damaged file is CORRUPT. */
export function readSegmentTable(dir: string): SegmentTable | undefined {
  const file = path.join(dir, SEGMENTS_FILE);
  if (!fs.existsSync(file)) return undefined;
  return decodeSegmentTable(fs.readFileSync(file), SEGMENTS_FILE);
}

/** segments.bin: magic, nItems, nKeys, nnz, nGroups, then group, ptr, idx, val (little endian). */
export function encodeSegmentTable(t: SegmentTable): Buffer {
  const nnz = t.ptr[N_KEYS];
  const buf = Buffer.alloc(HEADER + 4 * t.nItems + 4 * (N_KEYS + 1) + 8 * nnz);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(t.nItems, 4);
  buf.writeUInt32LE(N_KEYS, 8);
  buf.writeUInt32LE(nnz, 12);
  buf.writeUInt32LE(t.nGroups, 16);
  let o = HEADER;
  for (const x of t.group) o = buf.writeInt32LE(x, o);
  for (const x of t.ptr) o = buf.writeInt32LE(x, o);
  for (let e = 0; e < nnz; e++) o = buf.writeInt32LE(t.idx[e], o);
  for (let e = 0; e < nnz; e++) o = buf.writeFloatLE(t.val[e], o);
  return buf;
}

export function decodeSegmentTable(buf: Buffer, file = SEGMENTS_FILE): SegmentTable {
  if (buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC)
    throw corrupt(`${file} is not a segment table`, { file });
  const nItems = buf.readUInt32LE(4);
  const nKeys = buf.readUInt32LE(8);
  const nnz = buf.readUInt32LE(12);
  const nGroups = buf.readUInt32LE(16);
  if (nKeys !== N_KEYS || buf.length !== HEADER + 4 * nItems + 4 * (nKeys + 1) + 8 * nnz)
    throw corrupt(`${file} has the wrong size or segment layout`, { file });
  const group = new Int32Array(nItems);
  const ptr = new Int32Array(nKeys + 1);
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  let o = HEADER;
  for (let i = 0; i < nItems; i++, o += 4) group[i] = buf.readInt32LE(o);
  for (let k = 0; k <= nKeys; k++, o += 4) ptr[k] = buf.readInt32LE(o);
  for (let e = 0; e < nnz; e++, o += 4) idx[e] = buf.readInt32LE(o);
  for (let e = 0; e < nnz; e++, o += 4) val[e] = buf.readFloatLE(o);
  for (let i = 0; i < nItems; i++)
    if (!(group[i] >= 0 && group[i] < nGroups)) throw corrupt(`${file} has a group out of range`, { file });
  for (let k = 0; k < nKeys; k++)
    if (ptr[k] > ptr[k + 1]) throw corrupt(`${file} row pointers are not monotone`, { file });
  if (ptr[0] !== 0 || ptr[nKeys] !== nnz)
    throw corrupt(`${file} row pointers do not span its entries`, { file });
  for (let e = 0; e < nnz; e++)
    if (!(idx[e] >= 0 && idx[e] < nItems)) throw corrupt(`${file} has an item out of range`, { file });
  return { nItems, group, nGroups, ptr, idx, val };
}
