// `graphrec bench cold-start`: on the test window of a generated shop, per cold-start segment, popularity, the
// models and the oracle (the best ranking the generator's own truth allows from what a request knows), with the
// share of the popularity-to-oracle gap each method closes (bench/coldStart/report.ts). docs/models.md, "Cold
// start", explains the figures.
//
//   npx graphrec bench cold-start [--data shop:DIR | --scale tiny|small|default] [--version V] [--budget MIN]
//                                 [--max-cases N] [--segments cold-users,new-products,sessions] [--json]
// Without --data, --scale (default: default, the brief's shop) generates the shop into
// <dataDir>/shops/cold-start-<scale> unless it is there already; --version
// measures a stored ranker version of that shop (else one is trained with --budget minutes, default 1, and
// kept, as `graphrec train --model ranker` would).
import fs from 'node:fs';
import path from 'node:path';
import { createLogger, loadConfig } from '../core';
import { generateShop } from '../etl';
import { runShop, useBackend, codeVersion } from '../training';
import { coldUserSegment } from './coldStart/coldUsers';
import { newProductSegment } from './coldStart/newProducts';
import { sessionSegment } from './coldStart/sessions';
import type { ColdStartContext, SegmentReport } from './coldStart/report';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

const SCALES: Record<string, { users: number; products: number; interactions: number }> = {
  tiny: { users: 2_000, products: 500, interactions: 20_000 },
  small: { users: 20_000, products: 5_000, interactions: 200_000 },
  default: { users: 200_000, products: 50_000, interactions: 2_000_000 },
};

/** The segments measured, in order. */
const SEGMENTS: Array<[string, (ctx: ColdStartContext) => Promise<SegmentReport>]> = [
  ['cold-users', coldUserSegment],
  ['new-products', newProductSegment],
  // SESSIONS SEGMENT: the one place the sessions segment (bench/coldStart/sessions.ts) is wired in.
  ['sessions', sessionSegment],
];

const f = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(4));

function table(r: SegmentReport): string {
  const metrics = [...new Set(r.methods.flatMap((m) => Object.keys(m.metrics)))];
  const head = `| method | role | ${metrics.join(' | ')} | ${metrics.map((k) => `gap closed ${k}`).join(' | ')} |`;
  const sep = `|${head
    .split('|')
    .slice(1, -1)
    .map(() => '---')
    .join('|')}|`;
  const rows = r.methods.map(
    (m) =>
      `| ${m.name} | ${m.role} | ${metrics.map((k) => f(m.metrics[k])).join(' | ')} | ${metrics
        .map((k) =>
          r.gapClosed[m.name]?.[k] === undefined ? '-' : `${(100 * r.gapClosed[m.name][k]).toFixed(0)}%`,
        )
        .join(' | ')} |`,
  );
  return [`### ${r.segment} (${r.cases} cases)`, '', head, sep, ...rows].join('\n');
}

async function shopDir(dataDir: string, logger: ReturnType<typeof createLogger>): Promise<string> {
  const data = arg('data');
  if (data) {
    if (!data.startsWith('shop:')) throw new Error(`--data must be shop:DIR, but got: ${data}`);
    return path.resolve(data.slice(5));
  }
  const scale = arg('scale') ?? 'default';
  const opts = SCALES[scale];
  if (!opts) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}, but got: ${scale}`);
  const out = path.join(dataDir, 'shops', `cold-start-${scale}`);
  if (!fs.existsSync(path.join(out, 'manifest.json'))) {
    logger.info({ out, ...opts }, 'generating the shop');
    await generateShop(
      { out, ...opts, months: 12, seed: 42, end: '2026-10-31' },
      { logger, progressBar: false },
    );
  }
  return out;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(process.argv.includes('--json') ? 'warn' : 'info', 'bench-cold-start');
  const dir = await shopDir(config.dataDir, logger);
  await useBackend('auto');
  let version = arg('version');
  if (!version) {
    const budget = Number(arg('budget') ?? 1);
    logger.info({ budget }, 'training the served ranker for the run');
    const [r] = await runShop(
      {
        dir,
        models: ['ranker'],
        options: { timeBudgetSeconds: budget * 60 },
        dataDir: config.dataDir,
        codeVersion: codeVersion(config.home),
      },
      { logger },
    );
    version = r.summary.version;
  }
  const ctx: ColdStartContext = {
    shopDir: dir,
    versionDir: path.join(config.dataDir, 'models', version),
    logger,
    maxCases: Number(arg('max-cases') ?? 2000),
  };
  const reports: SegmentReport[] = [];
  const only = arg('segments')?.split(',');
  const unknown = only?.filter((n) => !SEGMENTS.some(([name]) => name === n)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `--segments takes ${SEGMENTS.map(([n]) => n).join(', ')}, but got: ${unknown.join(', ')}`,
    );
  for (const [name, run] of SEGMENTS) {
    if (only && !only.includes(name)) continue;
    const t0 = Date.now();
    reports.push(await run(ctx));
    logger.info({ segment: name, seconds: (Date.now() - t0) / 1000 }, 'segment measured');
  }
  if (process.argv.includes('--json'))
    process.stdout.write(`${JSON.stringify({ shop: dir, version, segments: reports }, null, 2)}\n`);
  else process.stdout.write(`${reports.map(table).join('\n\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
