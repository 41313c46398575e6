// Tuning the session model on the validation window: tables from the events before validation, cases from the
// validation window's sessions of new users (all sessions when the window holds too few of them), coordinate
// search over small grids, objective HR@20 + MRR@20 of the next step. The test window is never looked at.
import type { ShopData } from '../data/shop';
import { nextStepMetrics, sessionCases, type NextStepMetrics, type SessionCase } from './cases';
import {
  defaultSessionParams,
  sessionModelOf,
  sessionRank,
  sessionRequest,
  type SessionModel,
  type SessionParams,
  type SessionStep,
} from '../../model';
import { buildSessionTables, type SessionTables } from './tables';

export const SESSION_GRID: { [K in keyof SessionParams]: number[] } = {
  decay: [0, 0.25, 0.5, 0.75, 1],
  recent: [1, 2, 3, 5, 8],
  item: [0, 0.25, 0.5, 1, 2, 4],
  leaf: [1],
  priceWidth: [0, 0.5, 1, 2, 4, 8],
  pop: [0, 0.005, 0.02, 0.05, 0.2],
};

/** Fewer validation cases of new users than this: tune on every session of the window instead. */
const MIN_NEW_USER_CASES = 300;
export const TUNE_CASES = 3000;

/** The steps of item rows as the model reads them: their leaf and list price from the tables. */
export function stepsOfRows(t: SessionTables, rows: number[]): SessionStep[] {
  return rows.map((row) => ({ row, leaf: t.itemLeaf[row], price: t.itemPrice[row] }));
}

export function evaluateSessionModel(m: SessionModel, cases: SessionCase[]): NextStepMetrics {
  let last: SessionCase | undefined;
  let req: ReturnType<typeof sessionRequest> | undefined;
  return nextStepMetrics(cases, (c, item) => {
    if (c !== last || !req) {
      last = c;
      req = sessionRequest(m, stepsOfRows(m.tables, c.prefix));
    }
    return sessionRank(m, req, item);
  });
}

/** Validation cases: new users' sessions of the window, or all its sessions when those are too few. */
export function validationCases(shop: ShopData, maxCases = TUNE_CASES): SessionCase[] {
  const window = { from: shop.bounds.validationStart, to: shop.bounds.testStart, maxCases };
  const cases = sessionCases(shop, { ...window, newUsersOnly: true });
  return cases.length >= MIN_NEW_USER_CASES ? cases : sessionCases(shop, { ...window, newUsersOnly: false });
}

export interface SessionTuning {
  params: SessionParams;
  validation: NextStepMetrics & { cases: number };
}

export function tuneSessionParams(shop: ShopData, maxCases = TUNE_CASES): SessionTuning {
  const tables = buildSessionTables(shop, shop.bounds.validationStart);
  const cases = validationCases(shop, maxCases);
  const objective = (x: NextStepMetrics) => x['hr@20'] + x['mrr@20'];
  let params = { ...defaultSessionParams };
  let best = evaluateSessionModel(sessionModelOf(tables, params), cases);
  for (let pass = 0; pass < 2; pass++) {
    let moved = false;
    for (const key of Object.keys(SESSION_GRID) as Array<keyof SessionParams>) {
      for (const v of SESSION_GRID[key]) {
        if (v === params[key]) continue;
        const trial = { ...params, [key]: v };
        const r = evaluateSessionModel(sessionModelOf(tables, trial), cases);
        if (objective(r) > objective(best) + 1e-9) {
          best = r;
          params = trial;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  return { params, validation: { ...best, cases: cases.length } };
}
