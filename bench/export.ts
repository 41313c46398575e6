// Benchmark of the graph export (`--data neo4j`, training/export): stream the training graph out of Neo4j into
// ShopData, and report rows/s and peak RSS. This process does nothing but the export (generate, load and split
// run as `graphrec` child processes), so its peak RSS is the export's. Two modes:
//   - against the configured Neo4j and whatever shop it holds (the split: --split FILE|ID, else the latest);
//   - --scratch SCALE: generate a shop, load it into a private Neo4j (startScratchNeo4j), `etl split` it, export.
// Prints a markdown table; with --write, replaces the table between the bench:export markers of the
// `## Graph export` section of docs/performance.md.
//   npx graphrec bench export [--scratch small|default] [--namespace NAME] [--split FILE|ID] [--runs 3] [--write]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, type Config } from '../core';
import { createGraphClient } from '../graph';
import { readShopFromNeo4j, resolveSplit, readShop, type ShopData } from '../training';
import { scratchEnv, startScratchNeo4j } from '../test/support';

const SCALES: Record<string, string[]> = {
  tiny: ['--users', '2000', '--products', '500', '--interactions', '20000'],
  small: ['--users', '20000', '--products', '5000', '--interactions', '200000'],
  default: [],
};

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Math.max(1, Number(flag('runs') ?? 3));
const scale = flag('scratch');
const namespace = flag('namespace') ?? '';
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function cli(flags: string[], env: NodeJS.ProcessEnv = {}): unknown {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/graphrec.cjs'), ...flags], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn', GRAPHREC_PROGRESS: 'false', ...env },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`graphrec ${flags.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

/** Bytes of the typed columns and id strings the export hands to training (2 bytes a UTF-16 code unit). */
function shopBytes(s: ShopData): number {
  const arrays = [
    ...Object.values(s.events).filter((v) => ArrayBuffer.isView(v)),
    ...Object.values(s.items),
    ...Object.values(s.users),
    s.categoryParent,
  ] as ArrayBufferView[];
  const ids = [s.userIds, s.itemIds, s.categoryIds, s.brandIds].flat();
  return arrays.reduce((a, v) => a + v.byteLength, 0) + ids.reduce((a, id) => a + 2 * id.length, 0);
}

interface Runs {
  seconds: number[];
  /** The last run's data (one export's worth held at a time, so peak RSS is one export's). */
  shop: ShopData;
}

async function exportRuns(config: Config, dataDir: string): Promise<Runs> {
  const logger = createLogger('warn', 'bench-export');
  const split = resolveSplit(flag('split'), dataDir).manifest;
  const graph = createGraphClient(config.neo4j, { app: 'graphrec-bench-export' });
  const seconds: number[] = [];
  let shop: ShopData | undefined;
  try {
    for (let i = 0; i < runs; i++) {
      shop = undefined;
      const t0 = performance.now();
      shop = await readShopFromNeo4j(graph, { namespace, split, logger });
      seconds.push((performance.now() - t0) / 1000);
      console.error(`run ${i + 1}/${runs}: ${seconds[i].toFixed(1)} s, ${shop.events.n} events`);
    }
  } finally {
    await graph.close();
  }
  return { seconds, shop: shop! };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const load0 = os.loadavg()[0];
  const rssBefore = process.memoryUsage().rss;
  let results: Runs;
  let where: string;
  let filesSeconds: number | undefined;
  if (scale !== undefined) {
    if (!(scale in SCALES)) throw new Error(`--scratch must be one of ${Object.keys(SCALES).join(', ')}`);
    const shopDir = mkdtempSync(path.join(os.tmpdir(), `graphrec-bench-export-${scale}-`));
    const neo = await startScratchNeo4j();
    try {
      cli(['generate', '--out', shopDir, ...SCALES[scale], '--json']);
      const env = scratchEnv(neo);
      const t0 = Date.now();
      cli(['etl', 'load', '--source', shopDir, '--format', 'synthetic', '--json'], env);
      console.error(
        `loaded the ${scale} shop into a scratch Neo4j in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
      cli(['etl', 'split', '--source', shopDir, '--json'], env);
      results = await exportRuns(neo.config, neo.config.dataDir);
      // For comparison, the same data from the files (after the export runs, so it does not raise their peak).
      const t1 = performance.now();
      await readShop(shopDir);
      filesSeconds = (performance.now() - t1) / 1000;
      where = `a ${scale} generated shop (\`${SCALES[scale].join(' ') || 'defaults'}\`) in a private scratch Neo4j (heap 512m, page cache 256m)`;
    } finally {
      await neo.stop();
      rmSync(shopDir, { recursive: true, force: true });
    }
  } else {
    results = await exportRuns(config, config.dataDir);
    where = `the shop in the configured Neo4j (${config.neo4j.uri})`;
  }
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const s = results.shop;
  const sessions = s.events.session.reduce((a, v) => Math.max(a, v), -1) + 1;
  const rows = s.nUsers + s.nItems + s.categoryIds.length + s.brandIds.length + sessions + s.events.n;
  const seconds = median(results.seconds);
  const table = [
    '| users | products | sessions | events | runs | seconds (median) | events/s | all rows/s | ShopData MB | peak RSS MB (before export) | readShop from files, s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${s.nUsers} | ${s.nItems} | ${sessions} | ${s.events.n} | ${runs} | ${seconds.toFixed(1)} | ` +
      `${Math.round(s.events.n / seconds)} | ${Math.round(rows / seconds)} | ${mb(shopBytes(s))} | ` +
      `${mb(peakRss)} (${mb(rssBefore)}) | ${filesSeconds === undefined ? '-' : filesSeconds.toFixed(1)} |`,
  ].join('\n');
  console.log(table);

  if (args.includes('--write')) {
    const file = path.join(root, 'docs/performance.md');
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
    const cmd = `npx graphrec bench export ${args.filter((a) => a !== '--write').join(' ')} --write`.replace(
      /\s+/g,
      ' ',
    );
    const block =
      `<!-- bench:export -->\nMeasured by \`${cmd}\` on ${where}, ${new Date().toISOString().slice(0, 16)}Z: ` +
      `${os.cpus().length} vCPU (about one core of throughput), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `shared with other engineers' jobs (load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end).\n\n` +
      `${table}\n<!-- /bench:export -->`;
    const a = text.indexOf('<!-- bench:export -->');
    const b = text.indexOf('<!-- /bench:export -->');
    if (a >= 0 && b > a)
      writeFileSync(file, text.slice(0, a) + block + text.slice(b + '<!-- /bench:export -->'.length));
    else writeFileSync(file, `${text.trimEnd()}\n\n## Graph export\n\n${block}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
