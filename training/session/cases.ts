// Next-step cases for session evaluation: every prefix of a session (its steps, consecutive repeats of one
// product collapsed) predicting the session's next step. Sessions are those that start in [from, to); with
// `newUsersOnly`, only sessions of users with no event before `from` (what an anonymous visitor or a new account
// looks like to a request: the session is all there is). Sessions are drawn in a seeded order until `maxCases`
// prefixes are collected, so every method is scored on the same cases.
import type { ShopData } from '../data/shop';
import { createRng } from '../../core';

export interface SessionCase {
  /** The steps so far (item rows, oldest first). */
  prefix: number[];
  target: number;
  /** Time of the prefix's last event (ms). */
  at: number;
}

export interface CaseOptions {
  from: number;
  to: number;
  newUsersOnly: boolean;
  maxCases: number;
  seed?: number;
}

export function sessionCases(shop: ShopData, o: CaseOptions): SessionCase[] {
  const ev = shop.events;
  const firstSeen = new Float64Array(shop.nUsers).fill(Infinity);
  for (let e = 0; e < ev.n; e++) if (ev.ts[e] < firstSeen[ev.user[e]]) firstSeen[ev.user[e]] = ev.ts[e];
  // Sessions as event ranges (contiguous in the data), kept when they start inside the window.
  const ranges: Array<[number, number]> = [];
  for (let e = 0; e < ev.n;) {
    let end = e + 1;
    while (end < ev.n && ev.session[end] === ev.session[e]) end++;
    const startsIn = ev.ts[e] >= o.from && ev.ts[e] < o.to;
    if (startsIn && (!o.newUsersOnly || firstSeen[ev.user[e]] >= o.from)) ranges.push([e, end]);
    e = end;
  }
  const rnd = createRng(o.seed ?? 21).next;
  for (let i = ranges.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [ranges[i], ranges[j]] = [ranges[j], ranges[i]];
  }
  const cases: SessionCase[] = [];
  for (const [s, end] of ranges) {
    if (cases.length >= o.maxCases) break;
    const steps: number[] = [];
    const at: number[] = [];
    for (let e = s; e < end; e++) {
      if (ev.ts[e] >= o.to) break;
      if (steps.length > 0 && steps[steps.length - 1] === ev.item[e]) continue;
      steps.push(ev.item[e]);
      at.push(ev.ts[e]);
    }
    for (let k = 1; k < steps.length && cases.length < o.maxCases; k++)
      cases.push({ prefix: steps.slice(0, k), target: steps[k], at: at[k - 1] });
  }
  return cases;
}

export interface NextStepMetrics {
  'hr@20': number;
  'mrr@20': number;
  'ndcg@20': number;
}

/**
 * HR@20, MRR@20 and NDCG@20 of the next step. `rank(c, item)` is an item's 1-based rank for the case; the
 * prefix's last product can never be the next step (repeats are collapsed), so a method that ranks it above
 * the target is not charged for it.
 */
export function nextStepMetrics(
  cases: SessionCase[],
  rank: (c: SessionCase, item: number) => number,
): NextStepMetrics {
  let hr = 0;
  let mrr = 0;
  let ndcg = 0;
  for (const c of cases) {
    let r = rank(c, c.target);
    if (rank(c, c.prefix[c.prefix.length - 1]) < r) r--;
    if (r <= 20) {
      hr += 1;
      mrr += 1 / r;
      ndcg += 1 / Math.log2(r + 1);
    }
  }
  const n = Math.max(1, cases.length);
  return { 'hr@20': hr / n, 'mrr@20': mrr / n, 'ndcg@20': ndcg / n };
}
