// The cold-users segment of `graphrec bench cold-start`: test users with held-out items and no event before
// the test window (new accounts: a request knows their demographics and account only). Methods, all on the
// same users and the test window's tables (every event before it):
//   popularity            event-weighted counts;
//   segment popularity    the served segment table alone (coldUsers.ts defaults: age x region x gender);
//   ranker (as before)    the served version's ranker without its new users' scorer (how they were ranked);
//   ranker (served)       the served version as the API ranks a new user (its stored coldUsers weights);
//   oracle                the generator's expected preference of users like them: its taste model
//                         (tasteTruth.ts) averaged over every user of the same age band, gender, region and
//                         loyalty tier (age band, gender, region when fewer than MIN_CELL share them), which
//                         integrates the individual noise out.
import {
  evaluateShop,
  coldScoring,
  contextScorer,
  evalInput,
  isNewUser,
  type ShopSplit,
  versionScorer,
  type ShopData,
} from '../../training';
import { defaultColdUserWeights } from '../../model';
import { groupAppeal } from './tasteTruth';
import { loadShop, sampleUsers, storedVersion, type LoadedShop } from './shopContext';
import { withGapClosed, type ColdStartContext, type MethodFigures, type SegmentReport } from './report';

/** A demographic cell smaller than this borrows from the cell without loyalty tier. */
export const MIN_CELL = 50;
const METRICS = ['ndcg@20', 'recall@20'] as const;

export async function coldUserSegment(ctx: ColdStartContext): Promise<SegmentReport> {
  const l = await loadShop(ctx);
  const { shop, split } = l;
  const test = split.test;
  const all: number[] = [];
  for (let u = 0; u < shop.nUsers; u++)
    if (test.truth.ptr[u + 1] > test.truth.ptr[u] && isNewUser(test, u)) all.push(u);
  const users = sampleUsers(all, ctx.maxCases);
  ctx.logger.info({ users: users.length, of: all.length }, 'cold users: cases');
  const figures = (score: (block: Int32Array, out: Float32Array) => void) => {
    const m = evaluateShop({ ...evalInput(shop, split, test, score), users, segments: {} }).metrics;
    return Object.fromEntries(METRICS.map((k) => [k, m[k]]));
  };
  const methods: MethodFigures[] = [];
  methods.push({
    name: 'popularity',
    role: 'popularity',
    metrics: figures(contextScorer(shop, test, 'pop')),
  });
  methods.push({
    name: 'segment popularity',
    role: 'model',
    metrics: figures(
      contextScorer(
        shop,
        test,
        'ranker',
        undefined,
        undefined,
        undefined,
        coldScoring(shop, undefined, defaultColdUserWeights),
      ),
    ),
  });
  const stored = storedVersion(ctx);
  if (stored) {
    const served = versionScorer(stored, shop, split, test);
    try {
      methods.push({ name: `${served.model} (served)`, role: 'model', metrics: figures(served.score) });
    } finally {
      served.dispose();
    }
    const before = versionScorer(stored, shop, split, test, { coldUsers: false });
    try {
      methods.push({
        name: `${before.model} without the cold-user scorer`,
        role: 'model',
        metrics: figures(before.score),
      });
    } finally {
      before.dispose();
    }
  }
  methods.push({ name: 'oracle', role: 'oracle', metrics: figures(oracleScorer(l, shop, split)) });
  return withGapClosed({ segment: 'cold users', cases: users.length, methods });
}

/** The oracle's block scorer: each user's cell's expected appeal, per shop item. */
function oracleScorer(l: LoadedShop, shop: ShopData, split: ShopSplit) {
  void split;
  const pop = l.truth.population;
  const cells = new Map<string, number[]>();
  const add = (key: string, u: number) => {
    let c = cells.get(key);
    if (!c) cells.set(key, (c = []));
    c.push(u);
  };
  const coarse = (u: number) => `${pop.ageBand[u]}|${pop.gender[u]}|${pop.region[u]}`;
  const fine = (u: number) => `${coarse(u)}|${pop.loyalty[u]}`;
  for (let u = 0; u < pop.nUsers; u++) {
    add(coarse(u), u);
    add(fine(u), u);
  }
  const memo = new Map<string, Float32Array>();
  const rowOf = (genUser: number) => {
    const f = cells.get(fine(genUser)) as number[];
    const key = f.length >= MIN_CELL ? fine(genUser) : coarse(genUser);
    let row = memo.get(key);
    if (!row) {
      const appeal = groupAppeal(l.truth, cells.get(key) as number[]);
      row = Float32Array.from(l.genItem, (g) => appeal[g]);
      memo.set(key, row);
    }
    return row;
  };
  return (block: Int32Array, out: Float32Array) => {
    block.forEach((u, r) => out.set(rowOf(l.genUser[u]), r * shop.nItems));
  };
}
