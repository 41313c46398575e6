// The new-products segment of `graphrec bench cold-start`: products launched in the test window (the split's
// cold test products: no event before it). The cases are the test users whose held-out items include one, and
// the metric is training/eval's cold-item recall@20: the share of a user's held-out new products that their
// top 20 holds. Methods, on the same users and the test window's tables:
//   popularity            event-weighted counts (a new product has none: 0);
//   ranker (served)       the served version as evaluated (its new-arrivals quota of k places of 20, filled by
//                         its metadata placement, training/context/newArrivalPlacement.ts);
//   ranker, quota by its own score   the same k places filled by the ranker's score (mostly the inductive
//                         embedding): what placement adds;
//   oracle                the same k places given to the new products the generator's taste model
//                         (tasteTruth.ts) says this user likes best, from each product's metadata only: its
//                         leaf, brand (its hidden popularity draw replaced by its brand's mean), price band
//                         and launch; the user's own latent tastes are the generator's;
//   oracle, all 20 places the same with every place given to new products (the ceiling of the metric).
// NDCG@20 of the models is reported beside it: what the places given to new products cost the whole list; and
// `warm ndcg@20`, NDCG@20 of the test evaluation's warm users (up to --max-cases of them), for the served
// ranker, the same quota by its own score, and the ranker with no new-arrival place: what the quota costs the
// users with history (the target: at most 1% below what they got before).
import { readContextFiles, newArrivalsOf, topItems } from '../../model';
import { contextScorer, evalInput, segmentsOf, versionScorer, evaluateShop } from '../../training';
import { groupAppeal } from './tasteTruth';
import { loadShop, sampleUsers, storedVersion, type LoadedShop } from './shopContext';
import { withGapClosed, type ColdStartContext, type MethodFigures, type SegmentReport } from './report';

const COLD = 'coldItemRecall@20';

export async function newProductSegment(ctx: ColdStartContext): Promise<SegmentReport> {
  const l = await loadShop(ctx);
  const { shop, split } = l;
  const test = split.test;
  const all: number[] = [];
  for (let u = 0; u < shop.nUsers; u++) {
    for (let e = test.truth.ptr[u]; e < test.truth.ptr[u + 1]; e++)
      if (test.coldItems[test.truth.idx[e]]) {
        all.push(u);
        break;
      }
  }
  const users = sampleUsers(all, ctx.maxCases);
  ctx.logger.info({ users: users.length, of: all.length }, 'new products: cases');
  const figures = (
    score: (block: Int32Array, out: Float32Array) => void,
    withNdcg = true,
  ): Record<string, number> => {
    const m = evaluateShop({ ...evalInput(shop, split, test, score), users, segments: {} }).metrics;
    return withNdcg ? { [COLD]: m[COLD], 'ndcg@20': m['ndcg@20'] } : { [COLD]: m[COLD] };
  };
  const methods: MethodFigures[] = [];
  methods.push({
    name: 'popularity',
    role: 'popularity',
    metrics: figures(contextScorer(shop, test, 'pop')),
  });
  const warm = segmentsOf(shop, split).warmUsers;
  const warmUsers = sampleUsers(
    Array.from(test.users).filter((u) => warm[u]),
    ctx.maxCases,
  );
  const warmNdcg = (score: (block: Int32Array, out: Float32Array) => void) =>
    evaluateShop({ ...evalInput(shop, split, test, score), users: warmUsers, segments: {} }).metrics[
      'ndcg@20'
    ];
  const stored = storedVersion(ctx);
  let slots = 0;
  if (stored) {
    slots = newArrivalsOf(readContextFiles(stored.dir)?.ranker).slots;
    const variants: Array<[string, Parameters<typeof versionScorer>[4]]> = [
      [`(served, ${slots} of 20 places)`, {}],
      [`(${slots} of 20 places by its own score)`, { placement: false }],
      ['(no new-arrival place)', { newArrivals: { slots: 0, days: 28 } }],
    ];
    for (const [label, options] of variants) {
      if (label !== variants[0][0] && slots === 0) break;
      const v = versionScorer(stored, shop, split, test, options);
      try {
        methods.push({
          name: `${v.model} ${label}`,
          role: 'model',
          metrics: { ...figures(v.score), 'warm ndcg@20': warmNdcg(v.score) },
        });
      } finally {
        v.dispose();
      }
    }
  }
  const k = Math.max(1, slots);
  methods.push({
    name: `oracle (${k} of 20 places)`,
    role: 'oracle',
    metrics: figures(oracleScorer(l, k), false),
  });
  methods.push({
    name: 'oracle (all 20 places)',
    role: 'baseline',
    metrics: figures(oracleScorer(l, 20), false),
  });
  return withGapClosed({ segment: 'new products', cases: users.length, methods });
}

/** What a new product's metadata predicts of its popularity: its brand's mean over products launched before. */
function metadataPopularity(l: LoadedShop): Float64Array {
  const c = l.truth.catalog;
  const from = l.truth.from;
  const sum = new Float64Array(c.nBrands);
  const n = new Float64Array(c.nBrands);
  let all = 0;
  let nAll = 0;
  for (let p = 0; p < c.nProducts; p++)
    if (c.prodLaunch[p] < from) {
      sum[c.prodBrand[p]] += c.prodPop[p];
      n[c.prodBrand[p]]++;
      all += c.prodPop[p];
      nAll++;
    }
  return Float64Array.from(c.prodPop, (x, p) => {
    if (c.prodLaunch[p] < from) return x;
    const b = c.prodBrand[p];
    return n[b] > 0 ? sum[b] / n[b] : all / Math.max(1, nAll);
  });
}

/** Each user's list: the k new products of highest expected appeal first, then the rest by popularity. */
function oracleScorer(l: LoadedShop, k: number) {
  const { shop, split } = l;
  const test = split.test;
  const metaPop = metadataPopularity(l);
  let pm = 0;
  for (const x of test.tables.popularity) if (x > pm) pm = x;
  return (block: Int32Array, out: Float32Array) => {
    block.forEach((u, r) => {
      const appeal = groupAppeal(l.truth, [l.genUser[u]], metaPop);
      const o = out.subarray(r * shop.nItems, (r + 1) * shop.nItems);
      const fresh = new Float32Array(shop.nItems).fill(-Infinity);
      for (let i = 0; i < shop.nItems; i++) {
        o[i] = test.coldItems[i] ? -1 : test.tables.popularity[i] / (pm || 1);
        if (test.coldItems[i]) fresh[i] = appeal[l.genItem[i]];
      }
      for (const i of topItems(fresh, k)) o[i] = 2 + fresh[i];
    });
  };
}
