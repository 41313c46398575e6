// The options of `graphrec generate`, their defaults and limits, and the one place that checks them. Errors name
// the flag and quote the value received, so the CLI can show them as they are.
import { validationError } from '../../core';

export interface GenerateOptions {
  /** Directory to write the CSV files and manifest.json into (created if missing). */
  out: string;
  users: number;
  products: number;
  /** Exact number of events written. */
  interactions: number;
  /** Length of the window in calendar months. */
  months: number;
  seed: number;
  /** Last day of the window (UTC, YYYY-MM-DD); the window ends at 23:59:59.999 that day. */
  end: string;
}

export const GENERATE_DEFAULTS = {
  users: 200_000,
  products: 50_000,
  interactions: 2_000_000,
  months: 12,
  seed: 42,
  end: '2026-10-31',
} as const;

type IntFlag = 'users' | 'products' | 'interactions' | 'months' | 'seed';
export const GENERATE_LIMITS: Record<IntFlag, [number, number]> = {
  users: [1, 100_000_000],
  products: [1, 100_000_000],
  interactions: [1, 1_000_000_000],
  months: [1, 120],
  seed: [0, 4_294_967_295],
};

const show = (v: unknown) =>
  typeof v === 'string' && /^\S+$/.test(v) ? v : (JSON.stringify(v) ?? String(v));

function intFlag(name: IntFlag, raw: unknown): number {
  const [lo, hi] = GENERATE_LIMITS[name];
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw validationError(`--${name} must be an integer in [${lo}, ${hi}], but got: ${show(raw)}`, {
      field: `--${name}`,
    });
  }
  return n;
}

function dayFlag(raw: unknown): string {
  const ok =
    typeof raw === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(raw) &&
    new Date(`${raw}T00:00:00.000Z`).toISOString().slice(0, 10) === raw &&
    Number(raw.slice(0, 4)) >= 1971;
  if (!ok)
    throw validationError(`--end must be a date YYYY-MM-DD after 1970, but got: ${show(raw)}`, {
      field: '--end',
    });
  return raw;
}

function outFlag(raw: unknown): string {
  if (raw === undefined) {
    throw validationError('--out is required: the directory to write the shop into', { field: '--out' });
  }
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw validationError(`--out must be a directory path, but got: ${show(raw)}`, { field: '--out' });
  }
  return raw;
}

/**
 * Options from raw flag values (commander gives strings; programmatic callers may give numbers), defaults
 * filled in. Throws a VALIDATION error whose field is the flag.
 */
export function parseGenerateOptions(flags: Record<string, unknown>): GenerateOptions {
  const pick = (name: keyof typeof GENERATE_DEFAULTS) => flags[name] ?? GENERATE_DEFAULTS[name];
  return {
    out: outFlag(flags.out),
    users: intFlag('users', pick('users')),
    products: intFlag('products', pick('products')),
    interactions: intFlag('interactions', pick('interactions')),
    months: intFlag('months', pick('months')),
    seed: intFlag('seed', pick('seed')),
    end: dayFlag(pick('end')),
  };
}
