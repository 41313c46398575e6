// Helpers for integration tests. Each test isolates itself: unique labels / id prefixes in Neo4j and a unique
// key prefix in Redis, and deletes only what it created, so files can run in any order against one stack.
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import { Config, loadConfig } from '../../core';
import { createGraphClient, GraphClient } from '../../graph';

export const repoRoot = path.resolve(__dirname, '..', '..');

export function testConfig(): Config {
  return loadConfig(process.env);
}

/** A label or id prefix nobody else uses, e.g. `T_3f9a1c2b`. Labels cannot be parameters, so it is checked. */
export function uniqueNamespace(prefix = 'T'): string {
  const ns = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(ns)) throw new Error(`bad namespace ${ns}`);
  return ns;
}

export function testGraph(config: Config = testConfig()): GraphClient {
  return createGraphClient(config.neo4j, { app: 'graphrec-test' });
}

/** Delete every node carrying `label` (a test's own namespace label). */
export async function deleteLabel(graph: GraphClient, label: string): Promise<void> {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(label)) throw new Error(`refusing to delete by label ${label}`);
  await graph.write({ name: 'test.deleteLabel', cypher: `MATCH (n:\`${label}\`) DETACH DELETE n` });
}

export function testRedis(config: Config = testConfig()): Redis {
  return new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => unknown;
}

/** Run `graphrec ...` as a user would, in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const res = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'graphrec.cjs'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr, json: () => JSON.parse(res.stdout) };
}

export { startScratchNeo4j, scratchEnv, freePort } from './scratchNeo4j';
export type { ScratchNeo4j } from './scratchNeo4j';
export { startScratchRedis } from './scratchRedis';
export type { ScratchRedis } from './scratchRedis';
export { privateStackEnv, SCRATCH_GRAPH_DEADLINE_MS } from './privateStack';
export { warmApi } from './warmApi';
export type { WarmTarget } from './warmApi';
