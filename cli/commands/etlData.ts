// `graphrec etl split` and `graphrec etl features`: the steps after a load that training and serving read.
import path from 'node:path';
import { Command } from 'commander';
import { validationError } from '../../core';
import { createGraphClient } from '../../graph';
import {
  refreshFeatures,
  FeatureRefreshSummary,
  buildSplitManifest,
  readSyntheticInteractions,
  writeSplitManifest,
  type SplitManifest,
} from '../../etl';
import { action } from '../runtime';

function parseDays(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 366)
    throw validationError(`${flag} must be an integer in [1, 366], but got: ${String(value)}`, {
      field: flag,
    });
  return n;
}

function parseInstant(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(String(value));
  if (!Number.isFinite(t))
    throw validationError(`${flag} must be an ISO 8601 date or time, but got: ${String(value)}`, {
      field: flag,
    });
  return t;
}

function sourceDir(opts: Record<string, unknown>): string {
  if (typeof opts.source !== 'string' || opts.source === '')
    throw validationError('--source DIR is required (a generated shop directory)', { field: '--source' });
  return path.resolve(opts.source);
}

interface SplitSummary {
  id: string;
  file: string;
  boundaries: SplitManifest['boundaries'];
  counts: SplitManifest['counts'];
  coldTestUsers: number;
  coldTestProducts: number;
  warmTestUsers: number;
  leakage: SplitManifest['leakage'];
}

export function registerEtlDataCommands(etl: Command): void {
  etl
    .command('split')
    .description('Write the time-respecting split manifest (train / validation / test) for a shop')
    .option('--source <dir>', 'generated shop directory (synthetic format)')
    .option('--test-days <n>', 'days in the test window (default 28)')
    .option('--validation-days <n>', 'days in the validation window (default 28)')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action<SplitSummary>(
        async ({ config }, _args, opts) => {
          const cols = await readSyntheticInteractions(sourceDir(opts));
          const m = buildSplitManifest(cols, {
            testDays: parseDays(opts.testDays, '--test-days', 28),
            validationDays: parseDays(opts.validationDays, '--validation-days', 28),
          });
          const file = writeSplitManifest(config.dataDir, m);
          return {
            id: m.id,
            file,
            boundaries: m.boundaries,
            counts: m.counts,
            coldTestUsers: m.segments.coldTestUsers.length,
            coldTestProducts: m.segments.coldTestProducts.length,
            warmTestUsers: m.segments.warmTestUsers,
            leakage: m.leakage,
          };
        },
        (s) =>
          `split ${s.id} -> ${s.file}\n` +
          `train < ${s.boundaries.validationStart} <= validation < ${s.boundaries.testStart} <= test\n` +
          `cold test users ${s.coldTestUsers}, cold test products ${s.coldTestProducts}, warm test users ${s.warmTestUsers}`,
      ),
    );

  etl
    .command('features')
    .description('Compute user and product features and write them onto the graph (f_* properties)')
    .option('--source <dir>', 'generated shop directory the graph was loaded from')
    .option('--as-of <iso>', 'feature cutoff (default: just after the newest event)')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action<FeatureRefreshSummary>(
        async ({ config, logger }, _args, opts) => {
          const asOf = parseInstant(opts.asOf, '--as-of');
          const cols = await readSyntheticInteractions(sourceDir(opts));
          const graph = createGraphClient(config.neo4j, { app: 'graphrec-features' });
          try {
            return await refreshFeatures(cols, { graph, logger, progressBar: config.progress }, asOf);
          } finally {
            await graph.close();
          }
        },
        (s) =>
          `features as of ${s.asOf}: ${s.users} users, ${s.products} products from ${s.events} events ` +
          `(compute ${s.computeSeconds.toFixed(1)} s, write ${s.writeSeconds.toFixed(1)} s)`,
      ),
    );
}
