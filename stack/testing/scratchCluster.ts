// A private Redis Cluster for one integration test file: the stack's own cluster (stack/redisCluster.ts) in a
// temporary directory, on free loopback ports, so that the suite never touches the dev stack or another
// user's ports. Three masters, and a replica each when the test needs a failover.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { createLogger, loadConfig, type Config } from '../../core';
import { startRedisCluster, stopRedisCluster } from '../redisCluster';

export interface ScratchCluster {
  config: Config;
  dir: string;
  /** The environment that names this cluster to a child process (the CLI). */
  env: NodeJS.ProcessEnv;
  /** A plain connection to one node (CLUSTER commands, fault injection). */
  node(port: number): Redis;
  stop(): Promise<void>;
}

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** A base port whose next `count` ports and their cluster bus ports (+10000) are all free. */
async function freeBase(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let free = true;
    for (let i = 0; i < count && free; i++)
      free = (await canListen(base + i)) && (await canListen(base + i + 10_000));
    if (free) return base;
  }
  throw new Error('no run of free ports for a scratch Redis Cluster');
}

export async function startScratchCluster(
  opts: { replicas?: 0 | 1; env?: NodeJS.ProcessEnv } = {},
): Promise<ScratchCluster> {
  const replicas = opts.replicas ?? 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-redis-cluster-'));
  const base = await freeBase(3 * (1 + replicas));
  const env: NodeJS.ProcessEnv = {
    GRAPHREC_DATA_DIR: dir,
    REDIS_CLUSTER: '1',
    REDIS_CLUSTER_PORT: String(base),
    REDIS_CLUSTER_REPLICAS: String(replicas),
    REDIS_MAXMEMORY: '256mb',
    ...opts.env,
  };
  const inherited = { ...process.env };
  for (const name of [
    'REDIS_URL',
    'REDIS_CLUSTER_NODES',
    'EVENTS_STREAM',
    'JOBS_PREFIX',
    'EXPERIMENTS_PREFIX',
  ])
    delete inherited[name];
  const config = loadConfig({ ...inherited, ...env });
  const clients: Redis[] = [];
  try {
    await startRedisCluster(config, createLogger('warn', 'scratch-cluster'));
  } catch (err) {
    await stopRedisCluster(config);
    throw err;
  }
  return {
    config,
    dir,
    env,
    node(port) {
      const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await stopRedisCluster(config);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
