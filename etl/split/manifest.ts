// The split manifest: boundaries, per-part counts, cold-start segments and leakage checks, computed in one
// pass over the interactions held as typed arrays. Every model is evaluated against the same manifest.
import crypto from 'node:crypto';
import {
  computeBoundaries,
  Part,
  partOf,
  SplitBoundaries,
  SplitPolicy,
  defaultSplitPolicy,
} from './boundaries';

/**
 * Interactions as columns (row i is one event). `user` and `product` index into `userIds` / `productIds`.
 * `productLaunch[p]` is the launch time in ms, or NaN when unknown.
 */
export interface InteractionColumns {
  n: number;
  ts: Float64Array;
  user: Int32Array;
  product: Int32Array;
  userIds: string[];
  productIds: string[];
  productLaunch: Float64Array;
  /** The data's own window (e.g. the generator's manifest); defaults to the min and max event time. */
  window?: { start: number; end: number };
  /** Optional columns that features use: event type (0 view, 1 cart, 2 purchase) per event, and per product its
   * list price and category (an index into `categoryIds`). */
  eventType?: Uint8Array;
  productPrice?: Float32Array;
  productCategory?: Int32Array;
  categoryIds?: string[];
}

export { EVENT_TYPES } from '../../core';

export interface PartCounts {
  events: number;
  users: number;
  products: number;
}

export interface LeakageCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export interface SplitManifest {
  formatVersion: 1;
  id: string;
  policy: SplitPolicy;
  boundaries: { start: string; validationStart: string; testStart: string; end: string };
  counts: { train: PartCounts; validation: PartCounts; test: PartCounts };
  segments: {
    /** Users whose first event is in the test window: no history to learn from. */
    coldTestUsers: string[];
    /** Users whose first event is in the validation window (cold for tuning). */
    coldValidationUsers: string[];
    /** Products launched in the test window (or, without a launch date, first seen there). */
    coldTestProducts: string[];
    coldValidationProducts: string[];
    /** Test users with at least one train event. */
    warmTestUsers: number;
  };
  leakage: LeakageCheck[];
}

export function buildSplitManifest(
  data: InteractionColumns,
  policy: SplitPolicy = defaultSplitPolicy,
): SplitManifest {
  const { n, ts, user, product, userIds, productIds, productLaunch } = data;
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (let i = 0; i < n; i++) {
    if (ts[i] < minTs) minTs = ts[i];
    if (ts[i] > maxTs) maxTs = ts[i];
  }
  const b = computeBoundaries(data.window?.start ?? minTs, data.window?.end ?? maxTs, policy);

  // Per entity: a bit per part it appears in (1 train, 2 validation, 4 test) and its first event time.
  const userParts = new Uint8Array(userIds.length);
  const productParts = new Uint8Array(productIds.length);
  const productFirst = new Float64Array(productIds.length).fill(Infinity);
  const events = [0, 0, 0];
  let outsideWindow = 0;
  let beforeLaunch = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (t < b.start || t > b.end) outsideWindow++;
    const part = partOf(t, b);
    events[part]++;
    userParts[user[i]] |= 1 << part;
    const p = product[i];
    productParts[p] |= 1 << part;
    if (t < productFirst[p]) productFirst[p] = t;
    if (t < productLaunch[p]) beforeLaunch++;
  }

  const coldTestUsers: string[] = [];
  const coldValidationUsers: string[] = [];
  let warmTestUsers = 0;
  const userCounts = [0, 0, 0];
  for (let u = 0; u < userIds.length; u++) {
    const bits = userParts[u];
    for (let part = 0; part < 3; part++) if (bits & (1 << part)) userCounts[part]++;
    if (bits === 0) continue;
    if (bits & 4) {
      if (bits & 1) warmTestUsers++;
      else if (!(bits & 2)) coldTestUsers.push(userIds[u]);
    }
    if (bits & 2 && !(bits & 1)) coldValidationUsers.push(userIds[u]);
  }

  const coldTestProducts: string[] = [];
  const coldValidationProducts: string[] = [];
  const productCounts = [0, 0, 0];
  let coldProductsWithTrainEvents = 0;
  for (let p = 0; p < productIds.length; p++) {
    const bits = productParts[p];
    for (let part = 0; part < 3; part++) if (bits & (1 << part)) productCounts[part]++;
    const born = Number.isNaN(productLaunch[p]) ? productFirst[p] : productLaunch[p];
    if (!Number.isFinite(born)) continue;
    const part = born >= b.testStart ? Part.Test : born >= b.validationStart ? Part.Validation : Part.Train;
    if (part === Part.Test) coldTestProducts.push(productIds[p]);
    if (part === Part.Validation) coldValidationProducts.push(productIds[p]);
    if (part !== Part.Train && bits & 1) coldProductsWithTrainEvents++;
  }

  const leakage: LeakageCheck[] = [
    check(
      'boundaries ordered',
      b.start < b.validationStart && b.validationStart < b.testStart && b.testStart <= b.end + 1,
      `${iso(b.start)} < ${iso(b.validationStart)} < ${iso(b.testStart)} <= ${iso(b.end)}`,
    ),
    check(
      'every event inside the window',
      outsideWindow === 0,
      `${outsideWindow} events outside ${iso(b.start)} .. ${iso(b.end)}`,
    ),
    check(
      'no event before its product launched',
      beforeLaunch === 0,
      `${beforeLaunch} events precede their product's launch`,
    ),
    check(
      'cold products have no training events',
      coldProductsWithTrainEvents === 0,
      `${coldProductsWithTrainEvents} products launched after training have training events`,
    ),
    check(
      'cold test users have no earlier events',
      true,
      `${coldTestUsers.length} users first seen in the test window (by construction)`,
    ),
  ];

  const boundaries = {
    start: iso(b.start),
    validationStart: iso(b.validationStart),
    testStart: iso(b.testStart),
    end: iso(b.end),
  };
  const counts = {
    train: { events: events[0], users: userCounts[0], products: productCounts[0] },
    validation: { events: events[1], users: userCounts[1], products: productCounts[1] },
    test: { events: events[2], users: userCounts[2], products: productCounts[2] },
  };
  const id = crypto
    .createHash('sha256')
    .update(JSON.stringify({ policy, boundaries, counts, n }))
    .digest('hex')
    .slice(0, 16);
  return {
    formatVersion: 1,
    id,
    policy,
    boundaries,
    counts,
    segments: { coldTestUsers, coldValidationUsers, coldTestProducts, coldValidationProducts, warmTestUsers },
    leakage,
  };
}

/** Boundaries back in milliseconds, for code that assigns events to parts. */
export function boundariesOf(m: SplitManifest): SplitBoundaries {
  return {
    start: Date.parse(m.boundaries.start),
    validationStart: Date.parse(m.boundaries.validationStart),
    testStart: Date.parse(m.boundaries.testStart),
    end: Date.parse(m.boundaries.end),
  };
}

const check = (name: string, passed: boolean, detail: string): LeakageCheck => ({ name, passed, detail });
const iso = (ms: number) => new Date(ms).toISOString();
