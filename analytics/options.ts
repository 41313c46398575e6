// The parameters of a co-purchase communities run, checked once, with messages that state the rule and the value.
import { validationError } from '../core';

export interface CommunitiesOptions {
  /** Pairs bought by fewer shoppers than this are noise and left out of the graph. */
  minWeight: number;
  /** Only purchases at or after this instant (epoch ms); null = all history. */
  since: number | null;
  maxItemsPerShopper: number;
  /** Refuse (before building the graph) when more edges than this remain after minWeight. */
  maxEdges: number;
  seed: number;
  resolution: number;
  /** Communities described in the summary. */
  top: number;
  /** Rows per write transaction. */
  batchSize: number;
  write: boolean;
}

export const DEFAULT_COMMUNITIES_OPTIONS: CommunitiesOptions = {
  minWeight: 2,
  since: null,
  maxItemsPerShopper: 200,
  maxEdges: 2_000_000,
  seed: 42,
  resolution: 1,
  top: 5,
  batchSize: 5000,
  write: false,
};

export interface RawCommunitiesOptions {
  minWeight?: string;
  since?: string;
  maxItemsPerShopper?: string;
  maxEdges?: string;
  seed?: string;
  resolution?: string;
  top?: string;
  write?: boolean;
}

function int(raw: string | undefined, field: string, min: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min)
    throw validationError(`${field} must be an integer >= ${min}, but got: ${JSON.stringify(raw)}`, {
      field,
    });
  return v;
}

export function communitiesOptions(raw: RawCommunitiesOptions): CommunitiesOptions {
  const d = DEFAULT_COMMUNITIES_OPTIONS;
  let since: number | null = null;
  if (raw.since !== undefined) {
    since = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(raw.since) ? Date.parse(raw.since) : NaN;
    if (Number.isNaN(since))
      throw validationError(
        `--since must be a date like 2026-10-01 (UTC), but got: ${JSON.stringify(raw.since)}`,
        { field: '--since' },
      );
  }
  let resolution = d.resolution;
  if (raw.resolution !== undefined) {
    resolution = Number(raw.resolution);
    if (raw.resolution.trim() === '' || !Number.isFinite(resolution) || resolution <= 0)
      throw validationError(`--resolution must be a number > 0, but got: ${JSON.stringify(raw.resolution)}`, {
        field: '--resolution',
      });
  }
  return {
    minWeight: int(raw.minWeight, '--min-weight', 1, d.minWeight),
    since,
    maxItemsPerShopper: int(raw.maxItemsPerShopper, '--max-items-per-shopper', 2, d.maxItemsPerShopper),
    maxEdges: int(raw.maxEdges, '--max-edges', 1, d.maxEdges),
    seed: int(raw.seed, '--seed', 0, d.seed),
    resolution,
    top: int(raw.top, '--top', 1, d.top),
    batchSize: d.batchSize,
    write: raw.write === true,
  };
}
