// The run's own Neo4j and Redis: started by the stack code (`graphrec stack up`'s) on free loopback ports with
// their data under DIR/data, never the shared dev stack (NEO4J_URI and REDIS_URL are removed from the
// children's environment, so nothing can reach an external server). The ports are kept in the run's record:
// a resumed run finds its servers, still running or started again on the same data.
import fs from 'node:fs';
import path from 'node:path';
import { createLogger, loadConfig, type Config } from '../../core';
import { managedNeo4jPid, neo4jPaths, stackDown, stackUp, stopNeo4j } from '../../stack';
import { freePort } from '../../test/support';
import type { ScaleState } from './state';

export const dataDirOf = (dir: string) => path.join(dir, 'data');

export async function choosePorts(): Promise<ScaleState['ports']> {
  return { bolt: await freePort(), http: await freePort(), redis: await freePort() };
}

/** The environment of every child: the private servers, quiet JSON logs, no progress bars. */
export function childEnv(dir: string, ports: ScaleState['ports']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GRAPHREC_DATA_DIR: dataDirOf(dir),
    NEO4J_BOLT_PORT: String(ports.bolt),
    NEO4J_HTTP_PORT: String(ports.http),
    REDIS_PORT: String(ports.redis),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    GRAPHREC_PROGRESS: 'false',
    // Open to the load generator. (The worker and bench api listen on port 0: any free one.)
    API_PUBLIC_KEYS: '',
    API_ADMIN_KEYS: '',
    API_RATE_LIMIT_PER_MIN: '10000000',
  };
  delete env.NEO4J_URI;
  delete env.REDIS_URL;
  delete env.WORKER_PORT;
  return env;
}

export interface Servers {
  config: Config;
  neo4jPid(): number | undefined;
  /** Stop Neo4j, remove its store and start it empty (an interrupted bulk load is redone on an empty one). */
  emptyNeo4j(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServers(dir: string, ports: ScaleState['ports']): Promise<Servers> {
  const config = loadConfig(childEnv(dir, ports));
  const logger = createLogger('warn', 'bench-scale');
  const up = await stackUp(config, logger);
  // A server that answers on our port but is not ours (its pid is not in our data directory) is refused.
  if (!up.neo4j.managed || !up.redis.managed)
    throw new Error(
      `the private servers of ${dir} did not start as ours (neo4j managed: ${up.neo4j.managed}, redis managed: ${up.redis.managed}); another process holds ports ${JSON.stringify(ports)}`,
    );
  return {
    config,
    neo4jPid: () => managedNeo4jPid(config),
    async emptyNeo4j() {
      await stopNeo4j(config);
      fs.rmSync(neo4jPaths(config).data, { recursive: true, force: true });
      await stackUp(config, logger);
    },
    async stop() {
      await stackDown(config);
    },
  };
}
