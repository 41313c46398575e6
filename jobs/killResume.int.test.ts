// A refresh whose worker is SIGKILLed in every stage, one kill after another, then finished by a real
// `graphrec worker`: it publishes, every stage ran to completion exactly once more than it was killed, and the
// active pointer changes only inside publish. `graphrec refresh --now --json` starts and follows the run, as an
// operator would. Each killed worker is jobs/testing/holdingWorker.ts (the real worker, stopped at one point:
// a stage's start, or its end after its side effects and before its result is recorded), so every kill lands
// exactly where it is meant to, not wherever a timer happens to fall.
// Isolation: a private BullMQ prefix and event stream on the shared Redis; a scratch Neo4j (publish rewrites
// every product's embedding and the vector index, which the shared graph must not see).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createLogger } from '../core';
import {
  repoRoot,
  scratchEnv,
  startScratchNeo4j,
  testConfig,
  uniqueNamespace,
  type ScratchNeo4j,
} from '../test/support';
import { trainModel } from '../training';
import { publishModel, readActiveModel } from '../model';
import { bullConnection, readRun, REFRESH_QUEUE, STAGES, type RunState, type StageName } from '.';
import { writeClusteredData } from './testing/clusteredData';

// In order: each worker resumes the stage the previous one died in, then stops at the next point.
const KILL_POINTS = [
  'ingest:start',
  'features:start',
  'export:start',
  'train:start',
  'train:end',
  'evaluate:start',
  'gate:start',
  'publish:start',
  'publish:end',
  'warmup:start',
  'report:start',
] as const;

const logger = createLogger('silent');
const ns = uniqueNamespace('kill');
const prefix = `test:${ns}`;
let scratch: ScratchNeo4j;
let env: NodeJS.ProcessEnv;
let dataDir: string;
let firstActive: string;
let runId: string;
let refreshCli: ChildProcess;
let refreshOut: Promise<{ code: number | null; stdout: string; stderr: string }>;
const children: ChildProcess[] = [];
const seenPointers = new Set<string>();
const violations: string[] = [];
let watcher: NodeJS.Timeout | undefined;

function start(args: string[], extra: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function collect(child: ChildProcess) {
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out.stderr += b.toString()));
  return out;
}

/** Resolve when `child`'s stdout or stderr matches `re`; fail if it exits first or takes longer than `ms`. */
function waitFor(child: ChildProcess, re: RegExp, ms: number): Promise<RegExpMatchArray> {
  const out = collect(child);
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(out.stdout) ?? re.exec(out.stderr);
      if (m) done(() => resolve(m));
    };
    const onExit = (code: number | null) =>
      done(() => reject(new Error(`exited (${code}) before ${re}:\n${out.stderr.slice(-2000)}`)));
    const timer = setTimeout(
      () => done(() => reject(new Error(`no ${re} after ${ms} ms:\n${out.stderr.slice(-2000)}`))),
      ms,
    );
    const done = (f: () => void) => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', onExit);
      f();
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', onExit);
  });
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

const active = () => readActiveModel(dataDir)?.version ?? null;

async function waitForEnd(ms: number): Promise<RunState> {
  const t0 = Date.now();
  for (;;) {
    const s = readRun(dataDir, runId);
    if (s.status !== 'running') return s;
    if (Date.now() - t0 > ms) throw new Error(`run still running: ${JSON.stringify(s.stages)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  scratch = await startScratchNeo4j();
  dataDir = scratch.config.dataDir;
  await scratch.graph.write({
    name: 'test.products',
    cypher: 'UNWIND range(0, 119) AS i CREATE (:Product {id: toString(i), name: "product " + i})',
  });
  writeClusteredData(path.join(dataDir, 'lgcn'));
  const data = `lightgcn:${path.join(dataDir, 'lgcn')}`;
  const trained = await trainModel({ model: 'mf', data, dataDir, home: repoRoot }, { logger });
  firstActive = (await publishModel({ dataDir, graph: scratch.graph, logger }, trained.summary.version))
    .version;
  env = {
    ...process.env,
    ...scratchEnv(scratch),
    LOG_LEVEL: 'warn',
    GRAPHREC_PROGRESS: 'false',
    JOBS_PREFIX: prefix,
    EVENTS_STREAM: `${prefix}:events`,
    REFRESH_DATA: data,
    REFRESH_MODEL: 'lightgcn',
    // Two seconds of training; the event loop is blocked meanwhile, so the job lock must outlive it.
    REFRESH_TIME_BUDGET_MIN: '0.03',
    REFRESH_ATTEMPTS: '2',
    REFRESH_BACKOFF_MS: '200',
    // Any candidate passes: this test is about resuming, pipeline.int.test.ts about gating.
    GATE_MAX_NDCG_DROP: '1',
    GATE_MAX_COLD_NDCG_DROP: '1',
    // A killed worker's job is back in the queue within ~10 s instead of the production 5 min.
    WORKER_LOCK_DURATION_MS: '8000',
    WORKER_STALLED_INTERVAL_MS: '1000',
  };
  refreshCli = start([path.join(repoRoot, 'bin', 'graphrec.cjs'), 'refresh', '--now', '--json']);
  const out = collect(refreshCli);
  refreshOut = new Promise((resolve) =>
    refreshCli.once('exit', (code) => resolve({ code, stdout: out.stdout, stderr: out.stderr })),
  );
  runId = (await waitFor(refreshCli, /refresh (r-[0-9a-f-]+): following/, 60_000))[1];
  // The pointer may only move while publish runs: read it first, then the run (stages only move forward).
  watcher = setInterval(() => {
    const p = active();
    if (p === null) return;
    seenPointers.add(p);
    const publish = readRun(dataDir, runId).stages.publish.status;
    if (p !== firstActive && publish !== 'running' && publish !== 'done')
      violations.push(`pointer ${p} while publish was ${publish}`);
  }, 100);
}, 300_000);

afterAll(async () => {
  if (watcher) clearInterval(watcher);
  for (const c of children) await kill(c, 'SIGKILL');
  const redis = bullConnection(testConfig().redis.url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await scratch?.stop();
}, 120_000);

const stageOf = (point: string) => point.split(':')[0] as StageName;

describe('a refresh whose worker is SIGKILLed in every stage', () => {
  it.each(KILL_POINTS)(
    'killed at %s: the next worker resumes the run up to there',
    async (point) => {
      const worker = start(['--import', 'tsx', path.join(repoRoot, 'jobs', 'testing', 'holdingWorker.ts')], {
        HOLD: point,
      });
      try {
        await waitFor(worker, new RegExp(`held ${point}`), 90_000);
        const s = readRun(dataDir, runId);
        const stage = stageOf(point);
        expect(s.status).toBe('running');
        expect(s.stages[stage].status).toBe('running');
        for (const earlier of STAGES.slice(0, STAGES.indexOf(stage)))
          expect([earlier, s.stages[earlier].status]).toEqual([
            earlier,
            expect.stringMatching(/^(done|skipped)$/),
          ]);
        // The candidate is active once publish has flipped the pointer (even if killed before recording it).
        const flipped = point === 'publish:end' || STAGES.indexOf(stage) > STAGES.indexOf('publish');
        expect(active()).toBe(flipped ? s.stages.train.result?.version : firstActive);
      } finally {
        await kill(worker, 'SIGKILL');
      }
    },
    120_000,
  );

  it('a real `graphrec worker` finishes it: published once, the pointer moved only in publish', async () => {
    const worker = start([
      path.join(repoRoot, 'bin', 'graphrec.cjs'),
      'worker',
      '--port',
      '0',
      '--no-events',
      '--no-schedule',
    ]);
    const s = await waitForEnd(90_000);
    await kill(worker, 'SIGTERM');
    expect(worker.exitCode).toBe(0);

    const version = String(s.stages.train.result?.version);
    expect(s.status).toBe('published');
    expect(s.reason).toBe(`${version} is now active`);
    expect(active()).toBe(version);
    expect([...seenPointers].sort()).toEqual([firstActive, version].sort());
    expect(violations).toEqual([]);
    // Killed once at each listed point, then run to the end once more.
    for (const stage of STAGES) {
      const kills = KILL_POINTS.filter((p) => stageOf(p) === stage).length;
      expect([stage, s.stages[stage].attempts]).toEqual([stage, kills + 1]);
    }
    expect(s.stages.features.status).toBe('skipped');
    expect(s.stages.publish.result).toMatchObject({ version, alreadyActive: true });
    expect(s.stages.warmup.result?.queries).toBeGreaterThan(0);
    // The train killed at its end left its version behind, unpublished (`graphrec models gc` removes it).
    const trainedHere = fs.readdirSync(path.join(dataDir, 'models')).filter((d) => d.startsWith('lightgcn-'));
    expect(trainedHere).toHaveLength(2);
    expect(trainedHere).toContain(version);

    const redis = bullConnection(testConfig().redis.url);
    const queue = new Queue(REFRESH_QUEUE, { connection: redis, prefix });
    try {
      expect(await redis.get(`${prefix}:refresh:lock`)).toBeNull();
      const counts = await queue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed');
      expect(counts).toEqual({ completed: STAGES.length, failed: 0, active: 0, wait: 0, delayed: 0 });
    } finally {
      await queue.close();
      await redis.quit();
    }

    // What the operator saw: `graphrec refresh --now --json` followed the run to its end.
    const cli = await refreshOut;
    expect(cli.code).toBe(0);
    expect((JSON.parse(cli.stdout) as RunState).status).toBe('published');
    for (const stage of STAGES) expect(cli.stderr).toMatch(new RegExp(`^  ${stage} +(done|skipped)`, 'm'));
  }, 120_000);
});
