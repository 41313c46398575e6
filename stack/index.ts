// `graphrec stack up | down | status`: the real local Neo4j and Redis, or the external ones that NEO4J_URI and
// REDIS_URL point to (then nothing is started or stopped).
import type { Config, Logger } from '../core';
import { managedNeo4jPid, probeNeo4j, startNeo4j, stopNeo4j } from './neo4j';
import { managedRedisPid, probeRedis, startRedis, stopRedis } from './redis';
import {
  managedRedisClusterPid,
  probeRedisCluster,
  startRedisCluster,
  stopRedisCluster,
  type RedisClusterStatus,
} from './redisCluster';

export interface StackStatus {
  neo4j: {
    up: boolean;
    version?: string;
    edition?: string;
    bolt: string;
    browser?: string;
    managed: boolean;
    pid?: number;
    error?: string;
  };
  redis: {
    up: boolean;
    version?: string;
    url: string;
    managed: boolean;
    pid?: number;
    error?: string;
    /** With REDIS_CLUSTER: the cluster's state, masters, replicas and nodes. */
    cluster?: RedisClusterStatus;
  };
}

export interface StackUpResult extends StackStatus {
  started: string[];
  seconds: number;
}

export async function stackUp(config: Config, logger: Logger): Promise<StackUpResult> {
  const t0 = Date.now();
  // Redis first: it is up in well under a second, and Neo4j's start dominates the wait.
  const redis = config.redis.cluster
    ? await startRedisCluster(config, logger)
    : await startRedis(config, logger);
  const neo4j = await startNeo4j(config, logger);
  const status = await stackStatus(config);
  return {
    ...status,
    started: [...(neo4j.started ? ['neo4j'] : []), ...(redis.started ? ['redis'] : [])],
    seconds: (Date.now() - t0) / 1000,
  };
}

export async function stackDown(config: Config): Promise<{ stopped: string[] }> {
  const [neo4j, redis] = await Promise.all([
    stopNeo4j(config),
    config.redis.cluster ? stopRedisCluster(config) : stopRedis(config),
  ]);
  return { stopped: [...(neo4j ? ['neo4j'] : []), ...(redis ? ['redis'] : [])] };
}

export async function stackStatus(config: Config): Promise<StackStatus> {
  const [n, r, cluster] = await Promise.all([
    probeNeo4j(config),
    probeRedis(config.redis.url),
    config.redis.cluster ? probeRedisCluster(config) : undefined,
  ]);
  const neoPid = managedNeo4jPid(config);
  const redisPid = config.redis.cluster ? managedRedisClusterPid(config) : managedRedisPid(config);
  // A cluster is up when it serves every slot, not when one node answers.
  const redisUp = cluster ? r.up && cluster.up : r.up;
  return {
    neo4j: {
      up: n.up,
      ...(n.version ? { version: n.version, edition: n.edition } : {}),
      bolt: config.neo4j.uri,
      ...(config.neo4j.external ? {} : { browser: `http://127.0.0.1:${config.neo4j.httpPort}/browser/` }),
      managed: neoPid !== undefined,
      ...(neoPid ? { pid: neoPid } : {}),
      ...(n.up ? {} : { error: n.error }),
    },
    redis: {
      up: redisUp,
      ...(r.version ? { version: r.version } : {}),
      url: config.redis.url,
      managed: redisPid !== undefined,
      ...(redisPid ? { pid: redisPid } : {}),
      ...(redisUp ? {} : { error: r.error ?? `cluster_state ${cluster?.state}` }),
      ...(cluster ? { cluster: (({ up: _up, ...rest }) => rest)(cluster) } : {}),
    },
  };
}

export {
  neo4jPaths,
  ensureServerJars,
  renderNeo4jConf,
  probeNeo4j,
  stopNeo4j,
  managedNeo4jPid,
} from './neo4j';
export { redisPaths, renderRedisConf, probeRedis, stopRedis } from './redis';
export {
  parseClusterNodes,
  probeRedisCluster,
  redisClusterPaths,
  renderClusterNodeConf,
  startRedisCluster,
  stopRedisCluster,
} from './redisCluster';
export type { RedisClusterStatus, ClusterNodeStatus } from './redisCluster';
export { connectRedis, isRedisCluster, redisMasters } from './redisClient';
export { cancelImport, importIntoLocalNeo4j, isLocalStackNeo4j, stopForImport } from './neo4jImport';
export type { ImportGroup, ImportInput, ImportTimings } from './neo4jImport';
export { startNeo4j } from './neo4j';
