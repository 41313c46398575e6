// Refresh benchmark: one nightly refresh end to end, the way production runs it, while the API keeps serving.
// Everything is a `graphrec` child process against a private scratch Neo4j (the shared graph, its vector index
// and the shared active pointer are never touched): a shop is generated, loaded and split, a first model is
// trained and published, then `graphrec serve` takes a steady load of cache-miss recommendations (autocannon,
// in this process) and `graphrec worker` runs `graphrec refresh --now`, after a day's worth of storefront events
// was sent through `trackEvents` (the ingest stage waits for the worker's consumer to drain them). Last,
// `graphrec models rollback` is timed under the same load. Every response's latency is kept, so the table shows
// the API's p50/p99 before the refresh, in each stage, over the whole refresh and during the rollback.
// With --write, the table replaces the block between the bench:refresh markers of docs/performance.md.
//
//   npx graphrec bench refresh [--users 20000] [--products 5000] [--interactions 200000] [--events 5500]
//     [--budget 15] [--rate 50] [--baseline 60] [--write]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, scratchEnv, startScratchNeo4j } from '../test/support';
import type { RunState } from '../jobs';

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`--${name} must be a positive number, but got: ${args[i + 1]}`);
  return v;
};
const users = opt('users', 20_000);
const products = opt('products', 5_000);
const interactions = opt('interactions', 200_000);
const events = opt('events', 5_500);
const budget = opt('budget', 15);
const rate = opt('rate', 50);
const baseline = opt('baseline', 60);
const log = (msg: string) => process.stderr.write(`bench refresh: ${msg}\n`);

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** `graphrec ...` in a child process; its output is kept, and written to `logFile` when given. */
function graphrec(argv: string[], env: NodeJS.ProcessEnv, logFile?: string) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'bin', 'graphrec.cjs'), ...argv], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (logFile) fs.appendFileSync(logFile, b);
  });
  const done = new Promise<Done>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 })),
  );
  return { child, done };
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<Done> {
  const r = await graphrec(argv, env).done;
  if (r.code !== 0)
    throw new Error(`graphrec ${argv.join(' ')} failed (${r.code}):\n${r.stderr.slice(-3000)}`);
  return r;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function waitReady(url: string, ms: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const ok = await fetch(`${url}/readyz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url}/readyz did not answer 200 within ${ms / 1000} s`);
}

const REC =
  'query R($u: ID, $s: ID) { recommendations(userId: $u, sessionId: $s, first: 20) { modelVersion items { product { id } score } } }';
const TRACK = 'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted duplicates } }';

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Row {
  phase: string;
  seconds: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

function window(samples: Sample[], phase: string, from: number, to: number): Row {
  const inside = samples.filter((s) => s.at >= from && s.at < to);
  const ms = inside.filter((s) => s.ok).map((s) => s.ms);
  ms.sort((a, b) => a - b);
  return {
    phase,
    seconds: Math.round((to - from) / 100) / 10,
    requests: inside.length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.length ? ms[ms.length - 1] : NaN,
    errors: inside.filter((s) => !s.ok).length,
  };
}

async function main(): Promise<void> {
  const load0 = os.loadavg()[0];
  const started = new Date();
  const shopDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-bench-refresh-shop-'));
  const logFile = path.join(os.tmpdir(), `graphrec-bench-refresh-${process.pid}.log`);
  log(`starting a scratch Neo4j (children's stderr goes to ${logFile})`);
  const scratch = await startScratchNeo4j();
  const children: ChildProcess[] = [];
  // The load generator must stop on every path: left running against a stopped server it spins on reconnects.
  let stopLoad: (() => void) | undefined;
  try {
    const apiPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...scratchEnv(scratch),
      LOG_LEVEL: 'warn',
      GRAPHREC_PROGRESS: 'false',
      API_PORT: String(apiPort),
      API_PUBLIC_KEYS: '',
      API_ADMIN_KEYS: '',
      API_RATE_LIMIT_PER_MIN: '10000000',
      JOBS_PREFIX: `graphrec:bench-refresh:${process.pid}`,
      EVENTS_STREAM: `graphrec:bench-refresh:${process.pid}:events`,
      EXPERIMENTS_PREFIX: `graphrec:bench-refresh:${process.pid}:ab`,
      REFRESH_DATA: 'neo4j',
      REFRESH_MODEL: 'lightgcn',
      REFRESH_TIME_BUDGET_MIN: String(budget),
      // The benchmark times the whole loop, publish included, whatever the gate would say of this candidate.
      GATE_MAX_NDCG_DROP: '1',
      GATE_MAX_COLD_NDCG_DROP: '1',
    };
    const scale = [
      '--users',
      String(users),
      '--products',
      String(products),
      '--interactions',
      String(interactions),
    ];
    await run(['generate', '--out', shopDir, ...scale, '--json'], env);
    const loaded = await run(['etl', 'load', '--source', shopDir, '--format', 'synthetic', '--json'], env);
    log(`generated and loaded the shop (load ${loaded.seconds.toFixed(0)} s)`);
    await run(['etl', 'split', '--source', shopDir, '--json'], env);
    const first = JSON.parse(
      (await run(['train', '--data', 'neo4j', '--init', 'normal', '--time-budget', '1', '--json'], env))
        .stdout,
    ) as { version: string };
    await run(['models', 'publish', first.version, '--json'], env);
    log(`first model ${first.version} published`);

    const api = graphrec(['serve'], env, logFile);
    const worker = graphrec(['worker', '--port', '0', '--no-schedule'], env, logFile);
    children.push(api.child, worker.child);
    const url = `http://127.0.0.1:${apiPort}`;
    await waitReady(url, 180_000);

    const ids = JSON.parse(
      fs.readFileSync(path.join(scratch.config.dataDir, 'models', first.version, 'ids.json'), 'utf8'),
    ) as { users: (string | number)[]; items: (string | number)[] };
    const userIds = ids.users.map(String);
    const itemIds = ids.items.map(String);
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
    let seq = 0;
    const samples: Sample[] = [];
    const cannon = autocannon(
      {
        url: `${url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        connections: 8,
        overallRate: rate,
        duration: 6 * 3600,
        timeout: 10,
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ query: REC, variables: { u: pick(userIds), s: `bench-${seq++}` } }),
            }),
          },
        ],
      },
      // The run ends by cannon.stop(); its summary is not used (every response is sampled below).
      () => undefined,
    );
    cannon.on('response', (_client: unknown, status: number, _bytes: number, ms: number) =>
      samples.push({ at: Date.now(), ms, ok: status === 200 }),
    );
    cannon.on('reqError', () => samples.push({ at: Date.now(), ms: NaN, ok: false }));
    stopLoad = () => cannon.stop();
    // The first seconds of load pay for JIT and cold caches in a fresh server: not part of the baseline.
    await new Promise((r) => setTimeout(r, 15_000));
    const tBase = Date.now();
    log(`API loaded at ${rate} req/s; ${baseline} s of baseline`);
    await new Promise((r) => setTimeout(r, baseline * 1000));

    // A day of storefront events, sent as the storefront would, before the refresh starts.
    const tEvents = Date.now();
    let trackRetries = 0;
    for (let sent = 0; sent < events; sent += 100) {
      const batch = Array.from({ length: Math.min(100, events - sent) }, (_, j) => ({
        idempotencyKey: `bench-refresh-${process.pid}-${sent + j}`,
        type: 'VIEW',
        productId: pick(itemIds),
        userId: pick(userIds),
        sessionId: `bench-refresh-s${Math.floor((sent + j) / 10)}`,
      }));
      // As a storefront does: SERVICE_UNAVAILABLE means "retry with the same idempotency keys" (a timed-out
      // append may have been stored; the retry then counts it as a duplicate, never twice).
      for (let attempt = 1; ; attempt++) {
        const r = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: TRACK, variables: { e: batch } }),
        });
        const body = await r.text();
        if (r.status === 200 && !body.includes('"errors"')) break;
        if (attempt >= 5 || !body.includes('SERVICE_UNAVAILABLE'))
          throw new Error(`trackEvents failed: ${body}`);
        trackRetries++;
        await new Promise((res) => setTimeout(res, 200 * attempt));
      }
    }
    log(
      `${events} events sent in ${((Date.now() - tEvents) / 1000).toFixed(1)} s (${trackRetries} batches retried); refresh --now`,
    );

    const tRefresh = Date.now();
    const refresh = await graphrec(['refresh', '--now', '--shop', shopDir, '--json'], env).done;
    const tRefreshEnd = Date.now();
    if (refresh.code !== 0)
      throw new Error(`refresh failed (${refresh.code}):\n${refresh.stderr.slice(-3000)}`);
    const state = JSON.parse(refresh.stdout) as RunState;
    process.stderr.write(refresh.stderr);
    await new Promise((r) => setTimeout(r, 5000));

    const tRollback = Date.now();
    const rollback = await run(['models', 'rollback', '--json'], env);
    const tRollbackEnd = Date.now();
    const rolled = JSON.parse(rollback.stdout) as { version: string; seconds: number };
    await new Promise((r) => setTimeout(r, 5000));
    cannon.stop();

    const rows: Row[] = [window(samples, 'before (baseline)', tBase, tEvents)];
    for (const [name, st] of Object.entries(state.stages)) {
      if (!st.startedAt || !st.finishedAt) continue;
      rows.push(
        window(samples, `${name} (${st.status})`, Date.parse(st.startedAt), Date.parse(st.finishedAt)),
      );
    }
    rows.push(window(samples, '**whole refresh** (refresh --now to its end)', tRefresh, tRefreshEnd));
    rows.push(window(samples, '`models rollback` (CLI, fresh process)', tRollback, tRollbackEnd));
    const summary = {
      runId: state.runId,
      status: state.status,
      reason: state.reason,
      refreshSeconds: Math.round((tRefreshEnd - tRefresh) / 100) / 10,
      rollbackWall: Math.round((tRollbackEnd - tRollback) / 100) / 10,
      rollbackCommandSeconds: rolled.seconds,
      trained: state.stages.train.result,
      load: `${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`,
    };
    const table = render(rows);
    process.stdout.write(`${table}\n\n${JSON.stringify(summary, null, 2)}\n`);
    if (args.includes('--write')) writeDocs(table, summary, started);
  } finally {
    stopLoad?.();
    for (const c of children) await stop(c);
    await scratch.stop();
    fs.rmSync(shopDir, { recursive: true, force: true });
  }
}

function render(rows: Row[]): string {
  const f = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : '-');
  return [
    '| phase | seconds | API requests | p50 ms | p99 ms | max ms | errors |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.phase} | ${r.seconds} | ${r.requests} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${r.errors} |`,
    ),
  ].join('\n');
}

function writeDocs(
  table: string,
  s: {
    status: string;
    refreshSeconds: number;
    rollbackWall: number;
    rollbackCommandSeconds: number;
    load: string;
  },
  started: Date,
): void {
  const file = path.join(root, 'docs', 'performance.md');
  const text = fs.readFileSync(file, 'utf8');
  const cmd = `npx graphrec bench refresh ${args.join(' ')}`.trim();
  const block = [
    '<!-- bench:refresh -->',
    `Measured by \`${cmd}\` from ${started.toISOString().slice(0, 16)}Z: a ${users.toLocaleString('en')}-user, ` +
      `${products.toLocaleString('en')}-product, ${interactions.toLocaleString('en')}-interaction shop in a private ` +
      `scratch Neo4j (heap 512m, page cache 256m), ${events.toLocaleString('en')} new events, a ${budget}-minute ` +
      `training budget, ${rate} cache-miss recommendations/s on the API. ${os.cpus().length} vCPU (about one core of ` +
      `throughput), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, shared with other ` +
      `engineers' jobs (load average ${s.load}).`,
    '',
    `Refresh: **${s.status}**, ${s.refreshSeconds} s end to end. Rollback: ${s.rollbackWall} s wall ` +
      `(${s.rollbackCommandSeconds} s inside the command).`,
    '',
    table,
    '<!-- /bench:refresh -->',
  ].join('\n');
  const a = text.indexOf('<!-- bench:refresh -->');
  const b = text.indexOf('<!-- /bench:refresh -->');
  const next =
    a >= 0 && b > a
      ? text.slice(0, a) + block + text.slice(b + '<!-- /bench:refresh -->'.length)
      : `${text.trimEnd()}\n\n## Refresh\n\n${block}\n`;
  fs.writeFileSync(file, next);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench refresh: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
