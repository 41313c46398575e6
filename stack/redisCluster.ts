// A local Redis Cluster (REDIS_CLUSTER=1): Debian's redis-server, three masters and REDIS_CLUSTER_REPLICAS
// replicas each, on loopback ports REDIS_CLUSTER_PORT.. (and their cluster bus ports 10000 above), one
// directory per node under <dataDir>/redis-cluster. The same memory policy and persistence as the single
// server (stack/redis.ts). The first start forms the cluster with `redis-cli --cluster create`; later starts
// find it in each node's nodes.conf. The integration suite starts a scratch one in a temporary directory.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Config, GraphrecError, Logger, unavailable } from '../core';
import { isAlive, readPid, sleep, spawnDetached, stopPid, tail } from './processes';
import { durableMemoryLines } from './redis';

const run = promisify(execFile);
const MASTERS = 3;
// How long a silent master takes to be declared failed and replaced by its replica. Short, for a local
// cluster whose nodes share one machine (no network partitions to ride out).
const NODE_TIMEOUT_MS = 2000;

interface ClusterNodePaths {
  port: number;
  dir: string;
  conf: string;
  pidFile: string;
  log: string;
}

export function redisClusterPaths(config: Config): { dir: string; nodes: ClusterNodePaths[] } {
  const cluster = requireCluster(config);
  const dir = path.join(config.dataDir, 'redis-cluster');
  const count = MASTERS * (1 + cluster.replicas);
  const nodes = Array.from({ length: count }, (_, i) => {
    const port = cluster.basePort + i;
    const nodeDir = path.join(dir, String(port));
    return {
      port,
      dir: nodeDir,
      conf: path.join(nodeDir, 'redis.conf'),
      pidFile: path.join(nodeDir, 'redis.pid'),
      log: path.join(nodeDir, 'redis.log'),
    };
  });
  return { dir, nodes };
}

function requireCluster(config: Config) {
  if (config.redis.cluster === null) throw new GraphrecError('CONFIG', 'REDIS_CLUSTER is not set');
  return config.redis.cluster;
}

export function renderClusterNodeConf(config: Config, port: number, dir: string): string {
  return [
    '# Written by `graphrec stack up` (REDIS_CLUSTER=1) on every start.',
    'bind 127.0.0.1',
    `port ${port}`,
    'protected-mode yes',
    'daemonize no',
    `dir ${dir}`,
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    `cluster-node-timeout ${NODE_TIMEOUT_MS}`,
    // A master without a replica left does not stop the others' slots from being served.
    'cluster-require-full-coverage no',
    ...durableMemoryLines(config),
    '',
  ].join('\n');
}

export interface ClusterNodeStatus {
  port: number;
  up: boolean;
  role?: 'master' | 'replica';
  slots?: number;
  pid?: number;
}

export interface RedisClusterStatus {
  /** cluster_state of the first node that answers: `ok` when every slot is served. */
  state: string;
  masters: number;
  replicas: number;
  /** Slots assigned over all masters (16384 when the cluster covers the key space). */
  slots: number;
  nodes: ClusterNodeStatus[];
}

function nodeClient(port: number, timeoutMs: number): Redis {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  return client;
}

/** Ask one node for its view: `cluster nodes` lists every node's role and slot ranges. */
async function askNode(port: number, timeoutMs = 1000): Promise<{ info: string; nodes: string } | null> {
  const client = nodeClient(port, timeoutMs);
  try {
    await client.connect();
    const info = (await client.call('CLUSTER', 'INFO')) as string;
    const nodes = (await client.call('CLUSTER', 'NODES')) as string;
    return { info, nodes };
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** `CLUSTER NODES` lines as (port, role, slot count, alive); `fail` flags a node the others gave up on. */
export function parseClusterNodes(text: string): Array<{
  port: number;
  role: 'master' | 'replica';
  slots: number;
  failed: boolean;
}> {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const f = line.split(' ');
      const port = Number(/:(\d+)@/.exec(f[1])?.[1] ?? 0);
      const flags = f[2].split(',');
      const slots = f.slice(8).reduce((n, range) => {
        if (range.startsWith('[')) return n; // a slot being migrated, counted at its owner
        const [a, b] = range.split('-').map(Number);
        return n + (b === undefined ? 1 : b - a + 1);
      }, 0);
      return {
        port,
        role: flags.includes('master') ? ('master' as const) : ('replica' as const),
        slots,
        failed: flags.includes('fail') || flags.includes('fail?'),
      };
    });
}

export async function probeRedisCluster(config: Config): Promise<RedisClusterStatus & { up: boolean }> {
  const cluster = requireCluster(config);
  const ports = cluster.external
    ? cluster.nodes.map((n) => n.port)
    : redisClusterPaths(config).nodes.map((n) => n.port);
  let view: { info: string; nodes: string } | null = null;
  for (const port of ports) {
    if (cluster.external) break;
    view = await askNode(port);
    if (view) break;
  }
  if (cluster.external) view = await askExternal(config);
  const state = view ? (/cluster_state:(\w+)/.exec(view.info)?.[1] ?? 'unknown') : 'down';
  const listed = view ? parseClusterNodes(view.nodes).filter((n) => !n.failed) : [];
  const masters = listed.filter((n) => n.role === 'master' && n.slots > 0);
  const pids = cluster.external ? new Map<number, number>() : managedClusterPids(config);
  const nodes: ClusterNodeStatus[] = cluster.external
    ? listed.map((n) => ({ port: n.port, up: true, role: n.role, slots: n.slots }))
    : redisClusterPaths(config).nodes.map((p) => {
        const seen = listed.find((n) => n.port === p.port);
        const pid = pids.get(p.port);
        return {
          port: p.port,
          up: seen !== undefined && pid !== undefined,
          ...(seen ? { role: seen.role, slots: seen.slots } : {}),
          ...(pid ? { pid } : {}),
        };
      });
  return {
    up: state === 'ok',
    state,
    masters: masters.length,
    replicas: listed.filter((n) => n.role === 'replica').length,
    slots: masters.reduce((n, m) => n + m.slots, 0),
    nodes,
  };
}

/** An external cluster is asked through the client (credentials and TLS from REDIS_URL), node by node. */
async function askExternal(config: Config): Promise<{ info: string; nodes: string } | null> {
  const url = new URL(config.redis.url);
  for (const n of requireCluster(config).nodes) {
    const client = new Redis({
      host: n.host,
      port: n.port,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return {
        info: (await client.call('CLUSTER', 'INFO')) as string,
        nodes: (await client.call('CLUSTER', 'NODES')) as string,
      };
    } catch {
      // the next start-up node
    } finally {
      client.disconnect();
    }
  }
  return null;
}

function managedClusterPids(config: Config): Map<number, number> {
  const out = new Map<number, number>();
  for (const n of redisClusterPaths(config).nodes) {
    const pid = readPid(n.pidFile);
    if (isAlive(pid)) out.set(n.port, pid!);
  }
  return out;
}

export function managedRedisClusterPid(config: Config): number | undefined {
  return managedClusterPids(config).values().next().value;
}

function findBinary(name: string): string {
  for (const dir of ['/usr/bin', '/usr/local/bin']) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new GraphrecError(
    'CONFIG',
    `${name} is not installed (apt-get install redis-server), or name a running cluster with REDIS_CLUSTER_NODES`,
  );
}

export interface RedisClusterUpResult {
  started: boolean;
  external: boolean;
  status: RedisClusterStatus;
}

export async function startRedisCluster(config: Config, logger: Logger): Promise<RedisClusterUpResult> {
  const cluster = requireCluster(config);
  if (cluster.external) {
    const status = await probeRedisCluster(config);
    if (!status.up)
      throw unavailable(
        `the Redis Cluster at ${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')} is not serving (cluster_state ${status.state})`,
      );
    return { started: false, external: true, status };
  }
  const { nodes } = redisClusterPaths(config);
  const server = findBinary('redis-server');
  let started = false;
  for (const n of nodes) {
    if (isAlive(readPid(n.pidFile))) continue;
    fs.mkdirSync(n.dir, { recursive: true });
    fs.writeFileSync(n.conf, renderClusterNodeConf(config, n.port, n.dir));
    spawnDetached({ command: server, args: [n.conf], cwd: n.dir, logFile: n.log, pidFile: n.pidFile });
    started = true;
  }
  if (started) logger.info({ ports: nodes.map((n) => n.port) }, 'Redis Cluster nodes starting');
  for (const n of nodes) await waitForNode(n);
  const formed = await askNode(nodes[0].port);
  if (formed && /cluster_slots_assigned:0\b/.test(formed.info)) {
    // A fresh cluster: assign the slots to the first three nodes and a replica to each.
    await run(findBinary('redis-cli'), [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      String(cluster.replicas),
      '--cluster-yes',
    ]).catch((err: Error & { stdout?: string }) => {
      throw unavailable(`redis-cli --cluster create failed: ${err.message}\n${err.stdout ?? ''}`);
    });
  }
  const status = await waitForCluster(config, nodes);
  return { started, external: false, status };
}

async function waitForNode(n: ClusterNodePaths): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!isAlive(readPid(n.pidFile)))
      throw unavailable(`redis-server on port ${n.port} exited during start-up:\n${tail(n.log, 20)}`);
    if (await askNode(n.port, 500)) return;
    await sleep(100);
  }
  throw unavailable(`Redis Cluster node ${n.port} did not answer within 30 s:\n${tail(n.log, 20)}`);
}

/** Until every slot is served and every replica has its master (a restarted cluster re-elects first). */
async function waitForCluster(config: Config, nodes: ClusterNodePaths[]): Promise<RedisClusterStatus> {
  const deadline = Date.now() + 60_000;
  const replicas = MASTERS * requireCluster(config).replicas;
  let status = await probeRedisCluster(config);
  while (Date.now() < deadline) {
    if (status.up && status.slots === 16384 && status.masters === MASTERS && status.replicas >= replicas)
      return status;
    await sleep(250);
    status = await probeRedisCluster(config);
  }
  throw unavailable(
    `the Redis Cluster did not become ready within 60 s (state ${status.state}, ${status.masters} masters, ${status.slots} slots):\n${tail(nodes[0].log, 10)}`,
  );
}

export async function stopRedisCluster(config: Config): Promise<boolean> {
  if (requireCluster(config).external) return false;
  const { nodes } = redisClusterPaths(config);
  // Masters first: each waits (shutdown-timeout) for its replica to catch up, which only helps while the
  // replica still runs; stopped together, a master would wait out the timeout for a replica already gone.
  let view: { info: string; nodes: string } | null = null;
  for (const n of nodes) if (!view && isAlive(readPid(n.pidFile))) view = await askNode(n.port);
  const masters = new Set(
    view
      ? parseClusterNodes(view.nodes)
          .filter((n) => n.role === 'master')
          .map((n) => n.port)
      : [],
  );
  const stop = (group: ClusterNodePaths[]) =>
    Promise.all(
      group.map(async (n) => {
        const was = await stopPid(readPid(n.pidFile), 15_000);
        fs.rmSync(n.pidFile, { force: true });
        return was;
      }),
    );
  const first = await stop(nodes.filter((n) => masters.has(n.port)));
  const then = await stop(nodes.filter((n) => !masters.has(n.port)));
  return [...first, ...then].some(Boolean);
}
