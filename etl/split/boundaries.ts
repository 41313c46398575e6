// Time-respecting split boundaries. The last `testDays` whole UTC days of the data are the test window, the
// `validationDays` before them validation, everything earlier train. Boundaries fall on UTC midnights so that
// "the last 4 weeks" means the same thing in every report.
import { validationError } from '../../core';

export const DAY_MS = 86_400_000;

export interface SplitPolicy {
  testDays: number;
  validationDays: number;
}

export const defaultSplitPolicy: SplitPolicy = { testDays: 28, validationDays: 28 };

export interface SplitBoundaries {
  /** First instant of the data (inclusive). */
  start: number;
  /** Train is [start, validationStart). */
  validationStart: number;
  /** Validation is [validationStart, testStart); test is [testStart, end]. */
  testStart: number;
  /** Last instant of the data (inclusive). */
  end: number;
}

export const enum Part {
  Train = 0,
  Validation = 1,
  Test = 2,
}

export function computeBoundaries(
  startMs: number,
  endMs: number,
  policy: SplitPolicy = defaultSplitPolicy,
): SplitBoundaries {
  for (const [field, v] of [
    ['testDays', policy.testDays],
    ['validationDays', policy.validationDays],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 366) {
      throw validationError(`${field} must be an integer in [1, 366], but got: ${v}`, { field });
    }
  }
  if (!(Number.isFinite(startMs) && Number.isFinite(endMs)) || endMs < startMs) {
    throw validationError(
      `the data window must have start <= end, but got: ${iso(startMs)} .. ${iso(endMs)}`,
      { field: 'window' },
    );
  }
  // The day after the last one with data, at midnight: the test window is the `testDays` days before it.
  const endDay = Math.floor(endMs / DAY_MS) * DAY_MS + DAY_MS;
  const testStart = endDay - policy.testDays * DAY_MS;
  const validationStart = testStart - policy.validationDays * DAY_MS;
  if (validationStart <= startMs) {
    throw validationError(
      `the data spans ${iso(startMs)} .. ${iso(endMs)}, too short for ${policy.validationDays} validation and ${policy.testDays} test days with any training data left`,
      { field: 'window' },
    );
  }
  return { start: startMs, validationStart, testStart, end: endMs };
}

export function partOf(ts: number, b: SplitBoundaries): Part {
  return ts < b.validationStart ? Part.Train : ts < b.testStart ? Part.Validation : Part.Test;
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
