// Integration tests run against the real Neo4j and Redis: reuse a running stack (or the external servers
// NEO4J_URI / REDIS_URL name), or start the local one and remember what was started so teardown stops only that.
import { createLogger, loadConfig } from '../core';
import { stackStatus, stackUp } from '../stack';

export default async function globalSetup(): Promise<void> {
  const config = loadConfig(process.env);
  const status = await stackStatus(config);
  let started: string[] = [];
  if (!status.neo4j.up || !status.redis.up) {
    const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'test-setup');
    process.stderr.write('\n[integration] starting the local stack (Neo4j + Redis)...\n');
    started = (await stackUp(config, logger)).started;
  }
  (globalThis as { __graphrecStarted?: string[] }).__graphrecStarted = started;
}
