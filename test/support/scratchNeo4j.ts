// A private, throwaway Neo4j for tests that need a whole graph to themselves (counts over every node, reports,
// killing the server mid-load). It runs the same server as the shared stack, from the same jars, on free ports
// with a temporary data directory, and small memory settings. Starting one costs about 20 s: share it per file.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Config, createLogger, loadConfig } from '../../core';
import { createGraphClient, GraphClient } from '../../graph';
import { managedNeo4jPid, stopNeo4j, startNeo4j } from '../../stack';

export interface ScratchNeo4j {
  config: Config;
  graph: GraphClient;
  /** The server's pid, to kill it in fault tests. */
  pid(): number | undefined;
  /** Start it again on the same data after it was killed or stopped. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startScratchNeo4j(): Promise<ScratchNeo4j> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-scratch-neo4j-'));
  const base = loadConfig(process.env);
  const env: NodeJS.ProcessEnv = {
    GRAPHREC_HOME: base.home,
    GRAPHREC_DATA_DIR: dataDir,
    NEO4J_BOLT_PORT: String(await freePort()),
    NEO4J_HTTP_PORT: String(await freePort()),
    NEO4J_HEAP: '512m',
    NEO4J_PAGECACHE: '256m',
    NEO4J_TX_MEMORY: '256m',
    NEO4J_PASSWORD: base.neo4j.password,
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const logger = createLogger('warn', 'scratch-neo4j');
  await startNeo4j(config, logger);
  let graph = createGraphClient(config.neo4j, { app: 'graphrec-test' });
  return {
    config,
    get graph() {
      return graph;
    },
    pid: () => managedNeo4jPid(config),
    async restart() {
      await graph.close();
      await startNeo4j(config, logger);
      graph = createGraphClient(config.neo4j, { app: 'graphrec-test' });
    },
    async stop() {
      await graph.close();
      await stopNeo4j(config);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment a child `graphrec` process needs to talk to this scratch server (and to restart it with
 * the same memory settings, as `etl load --mode bulk` does). */
export function scratchEnv(s: ScratchNeo4j): NodeJS.ProcessEnv {
  return {
    GRAPHREC_DATA_DIR: s.config.dataDir,
    NEO4J_BOLT_PORT: String(s.config.neo4j.boltPort),
    NEO4J_HTTP_PORT: String(s.config.neo4j.httpPort),
    NEO4J_PASSWORD: s.config.neo4j.password,
    NEO4J_HEAP: s.config.neo4j.heap,
    NEO4J_PAGECACHE: s.config.neo4j.pageCache,
    NEO4J_TX_MEMORY: s.config.neo4j.txMemory,
  };
}
