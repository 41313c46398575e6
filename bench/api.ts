// API benchmark: autocannon, in process, against `graphrec serve` on the loaded shop (the shared stack and the
// active model of GRAPHREC_DATA_DIR). Scenarios, each at a fixed offered rate:
//   recs-miss   recommendations for warm users, every request a cache miss (a fresh sessionId), 200 req/s
//   recs-hit    the same 50 (user, session) requests again and again (cache hits), 1500 req/s
//   similar     similarProducts for random trained products, 200 req/s
//   track10     trackEvents, a batch of 10 events (fresh idempotency keys), 200 req/s
// Each scenario runs --runs times (default 3) for --seconds (default 10); the table shows medians.
// GraphQL errors in 200 responses count as errors. With --write the table replaces `## API` in
// docs/performance.md. Events go to a private stream (graphrec:bench:events), deleted at the end.
//
//   npx graphrec bench api [--runs 3] [--seconds 10] [--only recs-miss,similar] [--json] [--write]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createLogger, loadConfig } from '../core';
import { startApiServer } from '../api';
import { topK } from '../api/model/embeddingIndex';

interface Figures {
  scenario: string;
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  throughput: number;
  requests: number;
  errors: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const REC =
  'query R($u: ID, $s: ID) { recommendations(userId: $u, sessionId: $s, first: 20) { recId modelVersion degraded items { product { id name price } score sources } } }';
const SIM =
  'query S($p: ID!) { similarProducts(productId: $p, first: 10) { items { product { id name } score } } }';
const TRACK = 'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted duplicates } }';

async function main(): Promise<void> {
  const runs = Number(arg('runs', '3'));
  const seconds = Number(arg('seconds', '10'));
  const only = arg('only', 'recs-miss,recs-hit,similar,track10').split(',');
  const stream = 'graphrec:bench:events';
  const config = loadConfig({
    ...process.env,
    API_PUBLIC_KEYS: '',
    API_RATE_LIMIT_PER_MIN: '10000000',
    EVENTS_STREAM: stream,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const logger = createLogger(config.logLevel, 'bench-api');
  const server = await startApiServer({ config, logger, port: 0 });
  const model = server.services.model.current();
  const catalog = server.services.catalog;
  const products = model ? model.itemIds : [];
  const users = model ? [...model.userRow.keys()].slice(0, 5000) : [];
  if (users.length === 0)
    logger.warn(
      'no active model: warm users are unknown; recommendations serve from the graph and popularity',
    );
  const userIds = users.length > 0 ? users : Array.from({ length: 5000 }, (_, i) => `u${i}`);
  const productIds =
    products.length > 0 ? products : [...Array(Math.min(catalog.size(), 5000)).keys()].map((i) => `p${i}`);
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
  let seq = 0;
  const runId = `${Date.now().toString(36)}`;

  const bodies: Record<string, () => string> = {
    'recs-miss': () =>
      JSON.stringify({ query: REC, variables: { u: pick(userIds), s: `bench-${runId}-${seq++}` } }),
    'recs-hit': () => {
      const i = seq++ % 50;
      return JSON.stringify({ query: REC, variables: { u: userIds[i], s: `bench-hit-${i}` } });
    },
    similar: () => JSON.stringify({ query: SIM, variables: { p: pick(productIds) } }),
    track10: () => {
      const s = `bench-${runId}-${seq++}`;
      return JSON.stringify({
        query: TRACK,
        variables: {
          e: Array.from({ length: 10 }, (_, j) => ({
            idempotencyKey: `bench-${runId}-${seq}-${j}`,
            type: 'VIEW',
            productId: pick(productIds),
            sessionId: s,
          })),
        },
      });
    },
  };
  const rates: Record<string, number> = { 'recs-miss': 200, 'recs-hit': 1500, similar: 200, track10: 200 };

  async function once(name: string): Promise<Figures> {
    let gqlErrors = 0;
    const result = await autocannon({
      url: `${server.url}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections: name === 'recs-hit' ? 32 : 16,
      overallRate: rates[name],
      duration: seconds,
      requests: [
        {
          setupRequest: (req) => ({ ...req, body: bodies[name]() }),
          onResponse: (status, body) => {
            if (status !== 200 || body.includes('"errors"')) gqlErrors++;
          },
        },
      ],
    });
    return {
      scenario: name,
      rate: rates[name],
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      throughput: result.requests.average,
      requests: result.requests.total,
      errors: result.errors + result.non2xx + result.timeouts + gqlErrors,
    };
  }

  const table: Figures[] = [];
  for (const name of only) {
    if (!bodies[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(bodies).join(', ')}`);
    if (name === 'recs-hit')
      for (let i = 0; i < 50; i++)
        await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bodies[name](),
        });
    const all: Figures[] = [];
    for (let r = 0; r < runs; r++) {
      all.push(await once(name));
      process.stderr.write(`bench api: ${name} run ${r + 1}/${runs}: p99 ${all[all.length - 1].p99} ms\n`);
    }
    table.push({
      scenario: name,
      rate: rates[name],
      p50: median(all.map((f) => f.p50)),
      p90: median(all.map((f) => f.p90)),
      p99: median(all.map((f) => f.p99)),
      throughput: Math.round(median(all.map((f) => f.throughput))),
      requests: all.reduce((s, f) => s + f.requests, 0),
      errors: all.reduce((s, f) => s + f.errors, 0),
    });
  }
  const rssMb = Math.round(process.memoryUsage().rss / 1048576);
  const vectorIndex = model ? indexComparison(server.services.model.current()!) : null;
  const summary = {
    machine: `${os.cpus().length} vCPU (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0].toFixed(1)} at the end`,
    modelVersion: model?.version ?? null,
    products: catalog.size(),
    runs,
    seconds,
    rssMb,
    vectorIndex,
    table,
  };
  await server.services.redis.del(stream).catch(() => 0);
  await server.stop(2000);
  if (flag('write')) writeDocs(summary);
  if (flag('json')) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${render(summary)}\n`);
}

/** The in-process top-k, timed on the loaded model (median of 50 queries). */
function indexComparison(
  model: NonNullable<ReturnType<Awaited<ReturnType<typeof startApiServer>>['services']['model']['current']>>,
) {
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const row = Math.floor(Math.random() * model.table.nItems);
    const q = model.table.items.subarray(row * model.dims, (row + 1) * model.dims);
    const t = process.hrtime.bigint();
    topK(model.table, q, 20, 'cosine');
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return {
    memoryTopKMedianMs: Math.round(median(times) * 100) / 100,
    items: model.table.nItems,
    dims: model.dims,
  };
}

type Summary = {
  machine: string;
  modelVersion: string | null;
  products: number;
  runs: number;
  seconds: number;
  rssMb: number;
  vectorIndex: { memoryTopKMedianMs: number; items: number; dims: number } | null;
  table: Figures[];
};

function render(s: Summary): string {
  const head =
    '| scenario | offered req/s | p50 ms | p90 ms | p99 ms | throughput req/s | requests | errors |\n|---|---|---|---|---|---|---|---|';
  const rows = s.table.map(
    (f) =>
      `| ${f.scenario} | ${f.rate} | ${f.p50} | ${f.p90} | ${f.p99} | ${f.throughput} | ${f.requests} | ${f.errors} |`,
  );
  return [head, ...rows].join('\n');
}

function writeDocs(s: Summary): void {
  const file = path.join(__dirname, '..', 'docs', 'performance.md');
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n';
  const section = [
    '## API',
    '',
    `Measured with \`npx graphrec bench api --runs ${s.runs} --seconds ${s.seconds} --write\` (autocannon in the same process as`,
    'the server, so the load generator competes with it for the CPU). Figures are medians of the runs, from a shared,',
    `loaded machine: ${s.machine}. Catalogue: ${s.products} products; model: ${s.modelVersion ?? 'none (popularity and graph sources only)'}.`,
    `API process RSS at the end: ${s.rssMb} MiB.${s.vectorIndex ? ` In-process top-20 over ${s.vectorIndex.items} x ${s.vectorIndex.dims}: ${s.vectorIndex.memoryTopKMedianMs} ms (median).` : ''}`,
    '',
    render(s),
    '',
  ].join('\n');
  const re = /## API\n[\s\S]*?(?=\n## |$)/;
  const next = re.test(existing)
    ? existing.replace(re, section.trimEnd() + '\n')
    : `${existing.trimEnd()}\n\n${section}`;
  fs.writeFileSync(file, next);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench api: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
