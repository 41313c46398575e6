// The session oracle: the generator's own next-step distribution given what a request can see, i.e. the
// session's steps so far. The catalogue and shoppers are rebuilt in memory from manifest.json's seed and
// options (the generator is deterministic). In etl/generate/sessions.ts a session walks from product p: with
// probability 1/2 to a substitute in p's leaf (popularity x the shopper's fit x a price kernel), 1/4 to a
// product of one of p's four complement leaves (popularity x fit), 1/4 to a fresh draw from the shopper's
// tastes and the season; a missing complement or an empty leaf falls back to a fresh draw. The walk is Markov
// in p, so the expected next step depends on the last step and the time. The shopper is unknown to a request
// (anonymous or new), so fit and tastes are averaged over a sample of the segment's shoppers: the per-shopper
// normalisation is kept (a mixture over shoppers), the fresh draws are sampled from the generator itself, per
// day. It is a near-ceiling, not an exact one: earlier steps say a little about the shopper, which this
// ignores.
import fs from 'node:fs';
import path from 'node:path';
import {
  buildCatalog,
  buildPopulation,
  dayWeights,
  makeWindow,
  SessionSimulator,
  type Catalog,
  type Population,
} from '../../etl';

const DAY_MS = 86_400_000;
/** Shoppers the fit and tastes are averaged over. */
const SHOPPERS = 256;
/** Fresh draws sampled per day for the fresh part of the distribution. */
const FRESH_DRAWS = 20_000;

interface GeneratorManifest {
  seed: number;
  params: { users: number; products: number; months: number; end: string };
}

/** The generator's private pieces the oracle reuses as they are (TypeScript privacy is compile-time only). */
interface SimulatorInternals {
  fit(u: number, p: number): number;
  freshProduct(u: number, t: number): number;
  beginDay(d: number): void;
}

export interface SessionOracle {
  /** Scores of every item row (higher = likelier next step) after `lastRow` at time `at`. */
  scores(lastRow: number, at: number): Float64Array;
}

export function buildSessionOracle(
  shopDir: string,
  itemIds: string[],
  shopperIds: (pop: Population) => number[],
): SessionOracle {
  const m = JSON.parse(fs.readFileSync(path.join(shopDir, 'manifest.json'), 'utf8')) as GeneratorManifest;
  const window = makeWindow(m.params.months, m.params.end);
  const days = dayWeights(window);
  const c: Catalog = buildCatalog(m.params.products, m.seed, window);
  const pop = buildPopulation(m.params.users, m.seed, window, days, c);
  const sim = new SessionSimulator(c, pop, window, m.seed) as unknown as SimulatorInternals;
  const nRows = itemIds.length;
  const rowOfProduct = new Int32Array(c.nProducts).fill(-1);
  const productOfRow = new Int32Array(nRows).fill(-1);
  itemIds.forEach((id, row) => {
    const p = Number(id.slice(1));
    if (id.startsWith('p') && Number.isInteger(p) && p >= 0 && p < c.nProducts) {
      rowOfProduct[p] = row;
      productOfRow[row] = p;
    }
  });
  const all = shopperIds(pop);
  const step = Math.max(1, Math.floor(all.length / SHOPPERS));
  const users = all.filter((_, i) => i % step === 0).slice(0, SHOPPERS);

  // P(q | leaf l, shopper mixture) with an optional price reference: Σ_u prodPop·fit_u·kernel / Z_u.
  const leafDraw = (
    l: number,
    t: number,
    refCents: number,
    out: Map<number, number>,
    mass: number,
  ): boolean => {
    const s = c.leafProdStart[l];
    const e = c.leafProdStart[l + 1];
    const launched: number[] = [];
    for (let k = s; k < e; k++) if (c.prodLaunch[c.leafProducts[k]] <= t) launched.push(c.leafProducts[k]);
    if (launched.length === 0) return false;
    const w = new Float64Array(launched.length);
    const acc = new Float64Array(launched.length);
    for (const u of users) {
      let z = 0;
      for (let k = 0; k < launched.length; k++) {
        const q = launched[k];
        let f = sim.fit(u, q);
        if (refCents > 0) {
          const r = Math.log(c.prodCents[q] / refCents);
          f *= Math.exp(-2 * r * r);
        }
        w[k] = c.prodPop[q] * f;
        z += w[k];
      }
      if (z > 0) for (let k = 0; k < launched.length; k++) acc[k] += w[k] / z;
    }
    for (let k = 0; k < launched.length; k++)
      out.set(launched[k], (out.get(launched[k]) ?? 0) + (mass * acc[k]) / users.length);
    return true;
  };

  const freshByDay = new Map<number, Float64Array>();
  const fresh = (d: number): Float64Array => {
    let f = freshByDay.get(d);
    if (f) return f;
    f = new Float64Array(c.nProducts);
    sim.beginDay(d);
    const t = window.startMs + d * DAY_MS + DAY_MS / 2;
    for (let k = 0; k < FRESH_DRAWS; k++) f[sim.freshProduct(users[k % users.length], t)] += 1 / FRESH_DRAWS;
    freshByDay.set(d, f);
    return f;
  };

  const cache = new Map<string, Float64Array>();
  return {
    scores(lastRow, at) {
      const d = Math.max(0, Math.min(window.days - 1, Math.floor((at - window.startMs) / DAY_MS)));
      // One distribution per product and day (launches within the day aside).
      const key = `${lastRow}|${d}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const out = new Float64Array(nRows);
      cache.set(key, out);
      const p = productOfRow[lastRow];
      const sparse = new Map<number, number>();
      let freshMass = 0.25;
      if (p < 0) freshMass = 1;
      else {
        if (!leafDraw(c.prodLeaf[p], at, c.prodCents[p], sparse, 0.5)) freshMass += 0.5;
        for (let k = 0; k < 4; k++) {
          const l2 = c.leafComplements[c.prodLeaf[p] * 4 + k];
          if (l2 < 0 || !leafDraw(l2, at, 0, sparse, 0.25 / 4)) freshMass += 0.25 / 4;
        }
      }
      const f = fresh(d);
      for (let q = 0; q < c.nProducts; q++) if (rowOfProduct[q] >= 0) out[rowOfProduct[q]] = freshMass * f[q];
      for (const [q, v] of sparse) if (rowOfProduct[q] >= 0) out[rowOfProduct[q]] += v;
      return out;
    },
  };
}

/** 1-based rank of `target` under dense scores (score desc, row asc). */
export function denseRank(scores: ArrayLike<number>, target: number): number {
  const s = scores[target];
  let above = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > s || (scores[i] === s && i < target)) above++;
  return above + 1;
}
