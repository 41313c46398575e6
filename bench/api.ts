// API benchmark: load against `graphrec serve` on the loaded shop (the shared stack and the active model of
// GRAPHREC_DATA_DIR). The server runs in this process; the load generator runs in a worker thread (request hooks:
// bench/apiLoad/*.cjs), so it shares the machine but not the server's event loop. Measuring starts once the
// model's IVF index is built.
//
// Load: requests evenly paced at the scenario's rate, open loop, each latency counted from the moment the request
// was due (bench/apiLoad/paced.ts, as wrk2 measures). Not autocannon's `overallRate`: that is a per-second quota
// per connection, sent back to back, so "200 req/s" was a burst of 200 requests at the start of every second
// (`--load autocannon` still measures that way, for comparison). autocannon runs the capacity scenario.
// Scenarios:
//   recs-miss     recommendations for warm users, every request a cache miss (a fresh sessionId), 200 req/s
//   recs-hit      the same 50 (user, session) requests again and again (cache hits), 1500 req/s
//   hit-capacity  recs-hit's requests closed loop on 32 connections (autocannon, no cap): the most it answers
//   similar       similarProducts for random trained products, 200 req/s
//   track10       trackEvents, a batch of 10 events (fresh idempotency keys), 200 req/s
//   floor-hit     the harness's own floor: a bare node:http server in the API's thread answering recs-hit's
//                 requests, at its rate and connections, with the bytes of a recs-hit answer
//   floor-200     the same at 200 req/s on 16 connections, the other scenarios' load
//                 No server can do better on this machine under this load generator; the others are quoted
//                 against these.
// Each scenario runs once unrecorded for --warmup seconds (default 3), then --runs times (default 3) for --seconds
// (default 10); the table shows medians. Beside latency, each run records the server thread's event-loop delay and
// its GC pauses (sum, longest, full collections), which is where a tail beyond the floor's comes from. GraphQL
// errors in 200 responses count as errors. With --write the table replaces `## API` in docs/performance.md.
// Events go to a private stream ({graphrec}:bench:events: the event path's hash tag, for a Redis Cluster), deleted at the end.
//
// With --dist the server is the compiled build in dist/ (`npm run build` first), which is what the Docker image
// runs; without it, the TypeScript sources through tsx, as `npx graphrec serve` runs them.
//
//   npx graphrec bench api [--runs 3] [--seconds 10] [--warmup 3] [--only recs-miss,similar] [--rates similar=20]
//                          [--load paced|autocannon] [--dist] [--json] [--write]
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import path from 'node:path';
import autocannon from 'autocannon';
import { createLogger, loadConfig } from '../core';
import type { startApiServer as StartApiServer } from '../api';
import { runPaced } from './apiLoad/paced';
import { replaceSection } from './docsSection';
import type * as Api from '../api';

// The server runs as the Docker image runs it (NODE_ENV=production: graphql-js then skips its development
// checks, such as the cross-realm instanceof test on every type lookup). Set before the API modules load.
process.env.NODE_ENV ??= 'production';

interface Figures {
  scenario: string;
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  throughput: number;
  requests: number;
  errors: number;
  /** The server's event-loop delay p99 (ms) during the run: how long a ready request may wait for the thread. */
  loopP99: number;
  /** The server thread's garbage-collection pauses during the run: their sum and the longest (ms). */
  gcMs: number;
  gcMaxMs: number;
  /** Of those pauses, how many were full (mark-compact) collections. */
  majorGcs: number;
}

/** Collects the GC pauses of this thread (the server's; autocannon's worker has its own heap) while enabled. */
function watchGc() {
  const pauses = { ms: 0, maxMs: 0, major: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      pauses.ms += e.duration;
      pauses.maxMs = Math.max(pauses.maxMs, e.duration);
      const detail = (e as unknown as { detail?: { kind?: number } }).detail;
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) pauses.major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      const round = (x: number) => Math.round(x * 10) / 10;
      return { gcMs: round(pauses.ms), gcMaxMs: round(pauses.maxMs), majorGcs: pauses.major };
    },
  };
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

/** dist/ when it is at least as new as every TypeScript source it is built from; else a clear error. */
function distRoot(): string {
  const home = path.join(__dirname, '..');
  const built = path.join(home, 'dist', 'api', 'index.js');
  if (!fs.existsSync(built)) throw new Error('--dist: no dist/api/index.js; run `npm run build` first');
  const builtAt = fs.statSync(built).mtimeMs;
  const newer = (dir: string): string | undefined => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const hit = newer(p);
        if (hit) return hit;
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && fs.statSync(p).mtimeMs > builtAt)
        return p;
    }
    return undefined;
  };
  for (const dir of ['api', 'core', 'graph', 'events', 'training', 'experiments']) {
    const hit = fs.existsSync(path.join(home, dir)) ? newer(path.join(home, dir)) : undefined;
    if (hit)
      throw new Error(`--dist: ${path.relative(home, hit)} is newer than dist/; run \`npm run build\``);
  }
  return path.join(home, 'dist');
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '3'));
  const seconds = Number(arg('seconds', '10'));
  // An unrecorded run first: the server's code paths for the scenario get compiled by V8 before timing starts.
  const warmup = Number(arg('warmup', '3'));
  const only = arg('only', 'recs-miss,recs-hit,hit-capacity,similar,track10,floor-hit,floor-200').split(',');
  const generator = arg('load', 'paced');
  if (generator !== 'paced' && generator !== 'autocannon')
    throw new Error(`--load is paced or autocannon; got ${JSON.stringify(generator)}`);
  const stream = '{graphrec}:bench:events';
  const config = loadConfig({
    ...process.env,
    API_PUBLIC_KEYS: '',
    API_RATE_LIMIT_PER_MIN: '10000000',
    EVENTS_STREAM: stream,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const logger = createLogger(config.logLevel, 'bench-api');
  const dist = flag('dist');
  const root = dist ? distRoot() : '..';
  const { startApiServer, nearestItems, startAnnBuild, topK } = (await import(`${root}/api`)) as typeof Api;
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
  const runId = `${Date.now().toString(36)}`;
  const dataFile = path.join(os.tmpdir(), `graphrec-bench-api-${process.pid}.json`);
  fs.writeFileSync(dataFile, JSON.stringify({ runId, userIds, productIds, hitSet: 50 }));
  process.env.BENCH_API_DATA = dataFile;
  const hook = (name: string) => path.join(__dirname, 'apiLoad', name);
  if (model) await startAnnBuild(server.services.model.current()!.table, config.serving.annProbes);
  const scenarios = ['recs-miss', 'recs-hit', 'hit-capacity', 'similar', 'track10', 'floor-hit', 'floor-200'];
  const isFloor = (name: string) => name.startsWith('floor-');
  const rates: Record<string, number> = {
    'recs-miss': 200,
    'recs-hit': 1500,
    'floor-hit': 1500,
    'floor-200': 200,
    similar: 200,
    track10: 200,
  };
  // --rates similar=20,recs-miss=50: other offered rates (latency with the machine mostly idle, say).
  for (const pair of arg('rates', '').split(',').filter(Boolean)) {
    const [name, value] = pair.split('=');
    if (!scenarios.includes(name) || !(Number(value) > 0))
      throw new Error(
        `--rates wants scenario=requests/s pairs, e.g. similar=20; got ${JSON.stringify(pair)}`,
      );
    rates[name] = Number(value);
  }

  const { bodyFor } = (await import(hook('setupRequest.cjs'))) as { bodyFor: (n: string) => string };
  const post = (url: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  let floorUrl: string | undefined;

  async function once(name: string, run: number, duration = seconds): Promise<Figures> {
    process.env.BENCH_API_SCENARIO = name === 'hit-capacity' ? 'recs-hit' : name;
    process.env.BENCH_API_RUN = String(run);
    const url = isFloor(name) ? floorUrl! : `${server.url}/graphql`;
    const connections = ['recs-hit', 'floor-hit', 'hit-capacity'].includes(name) ? 32 : 16;
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const gc = watchGc();
    const load =
      name === 'hit-capacity' || generator === 'autocannon'
        ? await burstLoad(url, connections, name === 'hit-capacity' ? undefined : rates[name], duration)
        : await runPaced({ url, rate: rates[name], seconds: duration, connections });
    loop.disable();
    return {
      scenario: name,
      rate: name === 'hit-capacity' ? 0 : rates[name],
      p50: load.p50,
      p90: load.p90,
      p99: load.p99,
      throughput: Math.round(load.throughput),
      requests: load.requests,
      errors: load.errors + load.non2xx + load.timeouts + load.mismatches,
      loopP99: Math.round(loop.percentile(99) / 1e4) / 100,
      ...gc.stop(),
    };
  }

  const table: Figures[] = [];
  for (const name of only) {
    if (!scenarios.includes(name))
      throw new Error(`unknown scenario ${name}; known: ${scenarios.join(', ')}`);
    if (name === 'recs-hit' || name === 'hit-capacity') {
      // Fill the cache with exactly the 50 requests the worker will repeat (same hook, same sequence), twice:
      // a result's answer is pre-rendered at its first hit (api/prerendered.ts).
      for (let i = 0; i < 100; i++) await post(`${server.url}/graphql`, bodyFor('recs-hit'));
    }
    if (isFloor(name) && !floorUrl)
      floorUrl = await startFloor(await post(`${server.url}/graphql`, bodyFor('recs-hit')));
    const all: Figures[] = [];
    if (warmup > 0) await once(name, -1, warmup);
    for (let r = 0; r < runs; r++) {
      all.push(await once(name, r));
      const f = all[all.length - 1];
      process.stderr.write(
        `bench api: ${name} run ${r + 1}/${runs}: p50 ${f.p50} p99 ${f.p99} ms, loop p99 ${f.loopP99} ms, GC ${f.gcMs} ms (max ${f.gcMaxMs}, ${f.majorGcs} full)\n`,
      );
    }
    table.push({
      scenario: name,
      rate: all[0].rate,
      p50: median(all.map((f) => f.p50)),
      p90: median(all.map((f) => f.p90)),
      p99: median(all.map((f) => f.p99)),
      throughput: Math.round(median(all.map((f) => f.throughput))),
      requests: all.reduce((s, f) => s + f.requests, 0),
      errors: all.reduce((s, f) => s + f.errors, 0),
      loopP99: median(all.map((f) => f.loopP99)),
      gcMs: median(all.map((f) => f.gcMs)),
      gcMaxMs: median(all.map((f) => f.gcMaxMs)),
      majorGcs: median(all.map((f) => f.majorGcs)),
    });
  }
  const rssMb = Math.round(process.memoryUsage().rss / 1048576);
  const vectorIndex = model
    ? indexComparison(server.services.model.current()!, { topK, nearestItems })
    : null;
  const summary: Summary = {
    machine: `${os.cpus().length} vCPU (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0].toFixed(1)} at the end`,
    modelVersion: model?.version ?? null,
    server: dist ? 'dist' : 'tsx',
    load: generator,
    products: catalog.size(),
    runs,
    seconds,
    rssMb,
    vectorIndex,
    table,
  };
  await server.services.redis.del(stream).catch(() => 0);
  await server.stop(2000);
  floorServer?.close();
  fs.rmSync(dataFile, { force: true });
  if (flag('write')) writeDocs(summary);
  if (flag('json')) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${render(summary)}\n`);
}

let floorServer: http.Server | undefined;

/**
 * autocannon: closed loop (each connection sends its next request when the last one returns), capped at `rate`
 * per second if given. The cap is a per-second quota per connection, sent back to back at the start of each
 * second: a burst, not a rate (paced.ts). Used uncapped for the capacity scenario, and with --load autocannon.
 */
async function burstLoad(url: string, connections: number, rate: number | undefined, seconds: number) {
  const hook = (name: string) => path.join(__dirname, 'apiLoad', name);
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    ...(rate ? { overallRate: rate } : {}),
    duration: seconds,
    workers: 1,
    verifyBody: hook('verifyBody.cjs'),
    requests: [{ setupRequest: hook('setupRequest.cjs') }],
  } as unknown as autocannon.Options);
  return {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    throughput: result.requests.average,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
  };
}

/** A bare node:http server on this thread that answers every request with the bytes of `sample`. */
async function startFloor(sample: Response): Promise<string> {
  const body = Buffer.from(await sample.text());
  const type = sample.headers.get('content-type') ?? 'application/json';
  floorServer = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': type, 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => floorServer!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/graphql`;
}

/** The in-process top-20, timed on the loaded model: the exact scan and the serving search (median of 50). */
function indexComparison(
  model: NonNullable<ReturnType<Awaited<ReturnType<typeof StartApiServer>>['services']['model']['current']>>,
  { topK, nearestItems }: Pick<typeof Api, 'topK' | 'nearestItems'>,
) {
  const exact: number[] = [];
  const served: number[] = [];
  for (let i = 0; i < 50; i++) {
    const row = Math.floor(Math.random() * model.table.nItems);
    const q = model.table.items.subarray(row * model.dims, (row + 1) * model.dims);
    let t = process.hrtime.bigint();
    topK(model.table, q, 20, 'cosine');
    exact.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    nearestItems(model.table, q, 20, 'cosine');
    served.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return {
    memoryTopKMedianMs: Math.round(median(exact) * 100) / 100,
    ivfTopKMedianMs: Math.round(median(served) * 100) / 100,
    ivfProbes: model.table.ann?.probes ?? 0,
    items: model.table.nItems,
    dims: model.dims,
  };
}

type Summary = {
  machine: string;
  modelVersion: string | null;
  /** The server's code: the compiled dist/ (as the Docker image) or the sources through tsx. */
  server: 'dist' | 'tsx';
  /** The load generator of the rated scenarios: evenly paced (paced.ts), or autocannon's per-second quotas. */
  load: 'paced' | 'autocannon';
  products: number;
  runs: number;
  seconds: number;
  rssMb: number;
  vectorIndex: {
    memoryTopKMedianMs: number;
    ivfTopKMedianMs: number;
    ivfProbes: number;
    items: number;
    dims: number;
  } | null;
  table: Figures[];
};

function render(s: Summary): string {
  const head =
    '| scenario | offered req/s | p50 ms | p90 ms | p99 ms | throughput req/s | requests | errors | event-loop delay p99 ms | GC pauses per run ms (longest; full GCs) |\n|---|---|---|---|---|---|---|---|---|---|';
  const rows = s.table.map(
    (f) =>
      `| ${f.scenario} | ${f.rate > 0 ? f.rate : 'as many as it answers'} | ${f.p50} | ${f.p90} | ${f.p99} | ${f.throughput} | ${f.requests} | ${f.errors} | ${f.loopP99} | ${f.gcMs} (${f.gcMaxMs}; ${f.majorGcs}) |`,
  );
  return [head, ...rows].join('\n');
}

function writeDocs(s: Summary): void {
  const file = path.join(__dirname, '..', 'docs', 'performance.md');
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n';
  const section = [
    '## API',
    '',
    `Measured with \`${s.server === 'dist' ? 'npm run build && ' : ''}npx graphrec bench api --runs ${s.runs} --seconds ${s.seconds}${s.server === 'dist' ? ' --dist' : ''}${s.load === 'autocannon' ? ' --load autocannon' : ''} --write\` (${s.load === 'paced' ? 'requests evenly paced at the offered rate, latency counted from when each was due (bench/apiLoad/paced.ts); hit-capacity by autocannon, closed loop' : "autocannon's per-second quotas: each second's requests leave in a burst at its start"}; the load generator runs in a worker thread of`,
    "the server's process: it has its own event loop but shares the CPU with the server, Neo4j and Redis; the server",
    `runs with NODE_ENV=production, ${s.server === 'dist' ? 'from the compiled dist/, as in the Docker image' : 'from the TypeScript sources through tsx, as `npx graphrec serve` runs'}). Figures are`,
    `medians of the runs: ${s.machine}. Catalogue: ${s.products} products; model: ${s.modelVersion ?? 'none (popularity and graph sources only)'}.`,
    `API process RSS at the end: ${s.rssMb} MiB.${s.vectorIndex ? ` In-process top-20 over ${s.vectorIndex.items} x ${s.vectorIndex.dims}: exact scan ${s.vectorIndex.memoryTopKMedianMs} ms, IVF index (${s.vectorIndex.ivfProbes} probes) ${s.vectorIndex.ivfTopKMedianMs} ms (medians; section "In-process vector index").` : ''}`,
    '',
    render(s),
    '',
  ].join('\n');
  const next = replaceSection(existing, 'API', section);
  fs.writeFileSync(file, next);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench api: ${(err as Error).message}\n`);
  // The server started in this process would keep it alive.
  process.exit(1);
});
