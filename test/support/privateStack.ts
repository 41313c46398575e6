// The environment that points a server under test (the API, a consumer) at a scratch Neo4j and a scratch Redis
// instead of the dev stack, whatever the caller's environment names (NEO4J_URI, REDIS_URL, a cluster), with the
// API's request budget raised for a cold server.
import type { ScratchNeo4j } from './scratchNeo4j';
import type { ScratchRedis } from './scratchRedis';

export function privateStackEnv(neo: ScratchNeo4j, redis: ScratchRedis): NodeJS.ProcessEnv {
  return {
    NEO4J_URI: neo.config.neo4j.uri,
    NEO4J_BOLT_PORT: String(neo.config.neo4j.boltPort),
    NEO4J_HTTP_PORT: String(neo.config.neo4j.httpPort),
    NEO4J_PASSWORD: neo.config.neo4j.password,
    REDIS_URL: redis.url,
    REDIS_CLUSTER: undefined,
    REDIS_CLUSTER_NODES: undefined,
    // A cold server's first queries are slow on a loaded machine (see SCRATCH_GRAPH_DEADLINE_MS): a request's
    // whole budget is raised with the per-read deadline.
    API_REQUEST_BUDGET_MS: String(2 * SCRATCH_GRAPH_DEADLINE_MS),
  };
}

/** The API's per-read Neo4j deadline on a scratch server (startApiServer's graphDeadlineMs): a cold JVM runs its
 * first executions of each query slowly on a loaded machine, and the production deadline would turn that start-up
 * into degraded answers and field errors the tests are not about. Fault tests keep the production deadline. */
export const SCRATCH_GRAPH_DEADLINE_MS = 30_000;
