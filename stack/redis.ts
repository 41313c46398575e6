// The local Redis 7 (Debian's redis-server), with AOF persistence under <dataDir>/redis. Memory policy, one for
// every use (docs/operations.md, "Redis memory"): a maxmemory (REDIS_MAXMEMORY) with `noeviction`. The event
// stream, BullMQ's jobs and locks and the experiment counters must never be evicted (an evicted job key is a
// lost job, an evicted stream entry a lost event), so a full Redis refuses writes instead, loudly: trackEvents
// answers "Redis is full", /readyz reports it. What is bounded is bounded by design instead: the stream is
// trimmed once consumed (events/trim.ts), the dead letters are capped, and every cache and session key has a
// TTL.
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { Config, GraphrecError, Logger, unavailable } from '../core';
import { isAlive, readPid, sleep, spawnDetached, stopPid, tail } from './processes';

export function redisPaths(config: Config) {
  const dir = path.join(config.dataDir, 'redis');
  return {
    dir,
    conf: path.join(dir, 'redis.conf'),
    pidFile: path.join(dir, 'redis.pid'),
    log: path.join(dir, 'redis.log'),
  };
}

export function renderRedisConf(config: Config, dir: string): string {
  return [
    '# Written by `graphrec stack up` on every start.',
    'bind 127.0.0.1 -::1',
    `port ${config.redis.port}`,
    'protected-mode yes',
    'daemonize no',
    `dir ${dir}`,
    ...durableMemoryLines(config),
    '',
  ].join('\n');
}

/**
 * Durability and memory, the same for the single server and every cluster node: AOF every second plus snapshots,
 * and a memory cap that refuses writes (noeviction) instead of silently dropping queued events.
 */
export function durableMemoryLines(config: Config): string[] {
  return [
    'appendonly yes',
    'appendfsync everysec',
    'appenddirname appendonly',
    `maxmemory ${config.redis.maxmemory}`,
    'maxmemory-policy noeviction',
    'save 3600 1 300 100 60 10000',
  ];
}

function findRedisServer(): string {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new GraphrecError(
    'CONFIG',
    'redis-server is not installed (apt-get install redis-server), or set REDIS_URL to a running Redis',
  );
}

export interface RedisProbe {
  up: boolean;
  version?: string;
  error?: string;
}

export async function probeRedis(url: string, timeoutMs = 2000): Promise<RedisProbe> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    return { up: true, version: /redis_version:(\S+)/.exec(info)?.[1] };
  } catch (err) {
    return { up: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    client.disconnect();
  }
}

export interface RedisUpResult {
  started: boolean;
  pid?: number;
  external: boolean;
  version?: string;
}

export async function startRedis(config: Config, logger: Logger): Promise<RedisUpResult> {
  if (config.redis.external) {
    const probe = await probeRedis(config.redis.url, 5000);
    if (!probe.up)
      throw unavailable(`REDIS_URL=${config.redis.url} is set but does not answer: ${probe.error}`);
    return { started: false, external: true, version: probe.version };
  }
  const p = redisPaths(config);
  const existing = readPid(p.pidFile);
  if (isAlive(existing)) {
    const probe = await waitForRedis(config, existing!, p.log);
    return { started: false, pid: existing, external: false, version: probe.version };
  }
  const squatter = await probeRedis(config.redis.url, 500);
  if (squatter.up) {
    logger.warn(
      { url: config.redis.url },
      'a Redis not started by graphrec already answers on the port; using it',
    );
    return { started: false, external: true, version: squatter.version };
  }
  fs.mkdirSync(p.dir, { recursive: true });
  fs.writeFileSync(p.conf, renderRedisConf(config, p.dir));
  const pid = spawnDetached({
    command: findRedisServer(),
    args: [p.conf],
    cwd: p.dir,
    logFile: p.log,
    pidFile: p.pidFile,
  });
  logger.info({ redisPid: pid }, 'Redis starting');
  const probe = await waitForRedis(config, pid, p.log);
  return { started: true, pid, external: false, version: probe.version };
}

async function waitForRedis(config: Config, pid: number, log: string): Promise<RedisProbe> {
  const deadline = Date.now() + 30_000;
  let last: RedisProbe = { up: false };
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw unavailable(`redis-server exited during start-up:\n${tail(log, 20)}`);
    last = await probeRedis(config.redis.url, 1000);
    if (last.up) return last;
    await sleep(200);
  }
  throw unavailable(
    `Redis did not answer on ${config.redis.url} within 30 s (${last.error}):\n${tail(log, 20)}`,
  );
}

export async function stopRedis(config: Config): Promise<boolean> {
  if (config.redis.external) return false;
  const p = redisPaths(config);
  const stopped = await stopPid(readPid(p.pidFile), 15_000);
  fs.rmSync(p.pidFile, { force: true });
  return stopped;
}

export function managedRedisPid(config: Config): number | undefined {
  const pid = readPid(redisPaths(config).pidFile);
  return isAlive(pid) ? pid : undefined;
}
