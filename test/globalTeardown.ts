import { loadConfig } from '../core';
import { stopNeo4j, stopRedis } from '../stack';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __graphrecStarted?: string[] }).__graphrecStarted ?? [];
  if (process.env.GRAPHREC_KEEP_STACK === '1') return;
  const config = loadConfig(process.env);
  if (started.includes('neo4j')) await stopNeo4j(config);
  if (started.includes('redis')) await stopRedis(config);
}
