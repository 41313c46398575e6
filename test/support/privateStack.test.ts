import { loadConfig } from '../../core';
import { privateStackEnv, SCRATCH_GRAPH_DEADLINE_MS } from './privateStack';
import type { ScratchNeo4j } from './scratchNeo4j';
import type { ScratchRedis } from './scratchRedis';

describe('privateStackEnv', () => {
  const neo = { config: loadConfig({ NEO4J_BOLT_PORT: '17687', NEO4J_HTTP_PORT: '17474' }) } as ScratchNeo4j;
  const redis = { url: 'redis://127.0.0.1:16379' } as ScratchRedis;

  it('points the config at the scratch servers even when the environment names other ones', () => {
    const config = loadConfig({
      NEO4J_URI: 'bolt://dev-stack:7687',
      REDIS_URL: 'redis://dev-stack:6379',
      REDIS_CLUSTER: '1',
      REDIS_CLUSTER_NODES: 'dev-stack:7100',
      ...privateStackEnv(neo, redis),
    });
    expect(config.neo4j.uri).toBe('bolt://127.0.0.1:17687');
    expect(config.redis.url).toBe('redis://127.0.0.1:16379');
    expect(config.redis.cluster).toBeNull();
    expect(config.serving.requestBudgetMs).toBeGreaterThanOrEqual(2 * SCRATCH_GRAPH_DEADLINE_MS);
  });
});
