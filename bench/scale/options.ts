// What `bench scale` measures: a scale factor of the default shop (generate's defaults are 1x), written as
// `0.05x`, `10x` or a plain number. Users, products and events all grow by the factor, so the shop keeps the
// default's shape and only its size changes.
import { validationError } from '../../core';
import { GENERATE_DEFAULTS } from '../../etl';

export interface ShopSize {
  users: number;
  products: number;
  events: number;
}

export interface Scale {
  /** As written in the result: `0.05x`, `10x`. */
  label: string;
  factor: number;
  size: ShopSize;
}

const SCALE = /^(\d+(?:\.\d+)?|\.\d+)x?$/;

/** `factor` times the default shop's sizes, unrounded: the cost model's continuous size axis. */
export function nominalSize(factor: number): ShopSize {
  return {
    users: GENERATE_DEFAULTS.users * factor,
    products: GENERATE_DEFAULTS.products * factor,
    events: GENERATE_DEFAULTS.interactions * factor,
  };
}

/** The shop generated at `factor`: the nominal sizes rounded, at least one of each. */
export function sizeAt(factor: number): ShopSize {
  const n = nominalSize(factor);
  const r = (x: number) => Math.max(1, Math.round(x));
  return { users: r(n.users), products: r(n.products), events: r(n.events) };
}

export function parseScale(raw: string | undefined): Scale {
  const m = raw === undefined ? null : SCALE.exec(raw.trim());
  const factor = m ? Number(m[1]) : NaN;
  if (!m || !(factor > 0) || factor > 1000)
    throw validationError(
      `--scale must be a factor of the default shop in (0, 1000] such as 0.2x or 10x, but got: ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`,
      { field: '--scale' },
    );
  return { label: `${factor}x`, factor, size: sizeAt(factor) };
}

/** The `graphrec generate` flags of a scale. */
export const generateFlags = (s: Scale): string[] => [
  '--users',
  String(s.size.users),
  '--products',
  String(s.size.products),
  '--interactions',
  String(s.size.events),
];
