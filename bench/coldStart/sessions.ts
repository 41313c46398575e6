// The sessions segment of `graphrec bench cold-start`: on the test window of a generated shop, every prefix of
// the sessions of anonymous visitors and new users (users with no event before the window: all a request
// knows is the session) predicts the session's next step (the next product it moves to; consecutive repeats
// of one product are one step). Methods, all on the same cases:
//   popularity      event-weighted counts before the test window;
//   v-sknn          session-kNN (Ludewig & Jannach 2018), k, m and decay tuned on the validation window;
//   session model   the order-aware model the API serves to such sessions (training/session), tuned on validation;
//   ranker          with a trained version (ctx.versionDir): the path such sessions took before the session model
//                   (sessionRanker.ts), the version's embeddings and weights over tables rebuilt before the window;
//   oracle          the generator's expected next step given the session so far (sessionOracle.ts).
// Tables for the test are built from every event before the test window; validation tunes on tables from the
// events before the validation window. HR@20, MRR@20, NDCG@20.
import { popularityOrder, sessionModelOf, sparseRank } from '../../model';
import {
  buildSessionTables,
  buildVsknnIndex,
  evaluateSessionModel,
  evaluateVsknn,
  nextStepMetrics,
  readShop,
  sessionCases,
  tuneSessionParams,
  tuneVsknn,
  validationCases,
  type NextStepMetrics,
  type SessionCase,
  type ShopData,
} from '../../training';
import { withGapClosed, type ColdStartContext, type MethodFigures, type SegmentReport } from './report';
import { buildSessionOracle, denseRank } from './sessionOracle';
import { rankerSessionScorer } from './sessionRanker';

const round = (x: NextStepMetrics): Record<string, number> =>
  Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));

export async function sessionSegment(ctx: ColdStartContext): Promise<SegmentReport> {
  const shop = await readShop(ctx.shopDir);
  return sessionSegmentOf(shop, ctx, true);
}

/** The same measurement on every session of the test window (warm users' sessions included). */
export async function allSessionsSegment(ctx: ColdStartContext): Promise<SegmentReport> {
  const shop = await readShop(ctx.shopDir);
  return sessionSegmentOf(shop, ctx, false);
}

export function sessionSegmentOf(
  shop: ShopData,
  ctx: ColdStartContext,
  newUsersOnly: boolean,
): SegmentReport {
  const { logger } = ctx;
  const b = shop.bounds;
  const cases = sessionCases(shop, {
    from: b.testStart,
    to: b.end + 1,
    newUsersOnly,
    maxCases: ctx.maxCases,
  });
  const t0 = Date.now();

  const tuning = tuneSessionParams(shop);
  logger.info({ params: tuning.params, validation: tuning.validation }, 'session model tuned on validation');
  const valTables = buildSessionTables(shop, b.validationStart);
  const vsknnTuned = tuneVsknn(
    buildVsknnIndex(shop, b.validationStart, valTables.popularity),
    validationCases(shop),
  );
  logger.info({ params: vsknnTuned.params, validation: vsknnTuned.validation }, 'v-sknn tuned on validation');

  const tables = buildSessionTables(shop, b.testStart);
  const popOrder = popularityOrder(tables.popularity);
  const popularity = nextStepMetrics(cases, (_c, item) => sparseRank(new Map(), 1, popOrder, item));
  const vsknn = evaluateVsknn(
    buildVsknnIndex(shop, b.testStart, tables.popularity),
    vsknnTuned.params,
    cases,
  );
  const model = evaluateSessionModel(sessionModelOf(tables, tuning.params), cases);

  let ranker: NextStepMetrics | undefined;
  const rankerScores = ctx.versionDir
    ? rankerSessionScorer(shop, ctx.versionDir, b.testStart, logger)
    : undefined;
  if (rankerScores) {
    let last: SessionCase | undefined;
    let scores: Float32Array = new Float32Array(0);
    ranker = nextStepMetrics(cases, (c, item) => {
      if (c !== last) {
        last = c;
        scores = rankerScores(c);
      }
      return denseRank(scores, item);
    });
  }

  const oracle = buildSessionOracle(shop.dir, shop.itemIds, (pop) => {
    // The segment's shoppers: those who sign up in the test window (new), else everyone.
    const fresh: number[] = [];
    for (let u = 0; u < pop.nUsers; u++) if (pop.signup[u] >= b.testStart) fresh.push(u);
    return newUsersOnly && fresh.length > 0 ? fresh : Array.from({ length: pop.nUsers }, (_, u) => u);
  });
  const oracleFigures = nextStepMetrics(cases, (c, item) =>
    denseRank(oracle.scores(c.prefix[c.prefix.length - 1], c.at), item),
  );
  logger.info({ cases: cases.length, seconds: (Date.now() - t0) / 1000 }, 'sessions segment measured');

  const methods: MethodFigures[] = [
    { name: 'popularity', role: 'popularity', metrics: round(popularity) },
    {
      name: `v-sknn (k=${vsknnTuned.params.k}, m=${vsknnTuned.params.m}, ${vsknnTuned.params.decay})`,
      role: 'baseline',
      metrics: round(vsknn),
    },
    { name: 'session model (served)', role: 'model', metrics: round(model) },
    ...(ranker
      ? [{ name: 'ranker (the session path before)', role: 'model' as const, metrics: round(ranker) }]
      : []),
    { name: 'oracle', role: 'oracle', metrics: round(oracleFigures) },
  ];
  return withGapClosed({
    segment: newUsersOnly ? 'sessions: anonymous and new users' : 'sessions: all',
    cases: cases.length,
    methods,
  });
}
