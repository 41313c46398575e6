// The local Redis Cluster as a user runs it, in a temporary data directory on free ports (never the dev stack's):
// `REDIS_CLUSTER=1 graphrec stack up | status | down` through the CLI, with Neo4j named as external so that only
// the cluster is started and stopped; BullMQ's queue and worker and the refresh lock on it; and a node list
// where nothing answers, which status reports and `stack up` refuses with a clear error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { createLogger, loadConfig } from '../core';
import { bullConnection, refreshLock } from '../jobs';
import { repoRoot, testConfig } from '../test/support';
import { stackStatus } from './index';
import { probeRedisCluster, startRedisCluster, stopRedisCluster } from './redisCluster';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-stack-cluster-'));
let env: NodeJS.ProcessEnv;

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

beforeAll(async () => {
  let base = 0;
  for (let attempt = 0; attempt < 50 && base === 0; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 30_000);
    let free = true;
    for (let i = 0; i < 3 && free; i++)
      free = (await canListen(candidate + i)) && (await canListen(candidate + i + 10_000));
    if (free) base = candidate;
  }
  env = {
    GRAPHREC_DATA_DIR: dir,
    NEO4J_URI: testConfig().neo4j.uri,
    REDIS_CLUSTER: '1',
    REDIS_CLUSTER_PORT: String(base),
    // Replicas are the failover suite's (events/redisCluster.int.test.ts); here they would only add start-up time.
    REDIS_CLUSTER_REPLICAS: '0',
    REDIS_MAXMEMORY: '256mb',
  };
});

afterAll(async () => {
  await stopRedisCluster(config());
  fs.rmSync(dir, { recursive: true, force: true });
});

/** This process's environment (CI names its Redis with REDIS_URL) with the scratch cluster instead. */
function cliEnv(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
  for (const name of [
    'REDIS_URL',
    'REDIS_CLUSTER_NODES',
    'EVENTS_STREAM',
    'JOBS_PREFIX',
    'EXPERIMENTS_PREFIX',
  ])
    delete e[name];
  return e;
}

const config = () => loadConfig(cliEnv());

/** `graphrec ...` as a user runs it (test/support's runCli cannot unset a variable). */
function runCli(args: string[], e: NodeJS.ProcessEnv) {
  const res = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'graphrec.cjs'), ...args], {
    cwd: repoRoot,
    env: e,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: res.status, stderr: res.stderr, json: () => JSON.parse(res.stdout) as unknown };
}

it('starts three masters and reports them', () => {
  const up = runCli(['stack', 'up', '--json'], cliEnv());
  expect(up.stderr).not.toMatch(/"level":50/);
  expect(up.status).toBe(0);
  expect(up.json()).toMatchObject({ started: ['redis'], redis: { up: true, cluster: { masters: 3 } } });
  const status = runCli(['stack', 'status', '--json'], cliEnv());
  expect(status.status).toBe(0);
  const redis = (status.json() as { redis: { url: string; cluster: Record<string, unknown> } }).redis;
  expect(redis.url).toBe(`redis://127.0.0.1:${env.REDIS_CLUSTER_PORT}`);
  expect(redis.cluster).toMatchObject({ state: 'ok', masters: 3, replicas: 0, slots: 16384 });
}, 120_000);

it('runs a BullMQ queue and worker and the refresh lock on the cluster', async () => {
  const c = config();
  const prefix = c.jobs.prefix;
  const queueConn = bullConnection(c.redis);
  const workerConn = bullConnection(c.redis);
  const queue = new Queue('cluster-test', { connection: queueConn, prefix });
  const done = new Promise<unknown>((resolve) => {
    const worker = new Worker(
      'cluster-test',
      async (job) => ({ doubled: (job.data as { n: number }).n * 2 }),
      {
        connection: workerConn,
        prefix,
      },
    );
    worker.on('completed', (_job, result) => void worker.close().then(() => resolve(result)));
  });
  try {
    await queue.add('double', { n: 21 }, { jobId: 'cluster-job-1' });
    expect(await done).toEqual({ doubled: 42 });
    const lock = refreshLock(queueConn, prefix);
    expect(await lock.acquire('run-a', 60_000)).toEqual({ acquired: true, holder: 'run-a' });
    expect(await lock.acquire('run-b', 60_000)).toEqual({ acquired: false, holder: 'run-a' });
    expect(await lock.renew('run-a', 60_000)).toBe(true);
    expect(await lock.release('run-b')).toBe(false);
    expect(await lock.release('run-a')).toBe(true);
  } finally {
    await queue.close();
    queueConn.disconnect();
    workerConn.disconnect();
  }
}, 60_000);

it('reports a node list where nothing answers as down, and `stack up` refuses it with a clear error', async () => {
  const nowhere = loadConfig({ ...cliEnv(), REDIS_CLUSTER_NODES: '127.0.0.1:1,127.0.0.1:2' });
  const status = await probeRedisCluster(nowhere);
  expect(status).toMatchObject({ up: false, state: 'down', masters: 0 });
  await expect(startRedisCluster(nowhere, createLogger('silent'))).rejects.toThrow(
    'the Redis Cluster at 127.0.0.1:1,127.0.0.1:2 is not serving (cluster_state down)',
  );
});

it('stops the cluster with `stack down`, keeping its data', async () => {
  const down = runCli(['stack', 'down', '--json'], cliEnv());
  expect(down.json()).toEqual({ stopped: ['redis'] });
  expect((await stackStatus(config())).redis).toMatchObject({
    up: false,
    cluster: { state: 'down', masters: 0 },
  });
  expect(fs.existsSync(path.join(dir, 'redis-cluster', String(env.REDIS_CLUSTER_PORT), 'nodes.conf'))).toBe(
    true,
  );
}, 60_000);
