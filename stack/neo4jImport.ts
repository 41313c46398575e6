// `neo4j-admin database import full` on the local stack's own Neo4j: stop the server, import header+data CSV
// files into the configured database (replacing it), start the server again. The admin tool is the one the
// server distribution ships (org.neo4j.cli.AdminTool, its import command in neo4j-import-tool), run from the
// jars graph/server/pom.xml resolves, with the server's own neo4j.conf, so the store lands where the server
// reads it. Only for a server this stack started: an external or someone else's Neo4j is never stopped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Config, GraphrecError, Logger, unavailable } from '../core';
import { javaBin, managedNeo4jPid, neo4jPaths, startNeo4j, stopNeo4j } from './neo4j';
import { tail } from './processes';

/** One `--nodes=Label=file` or `--relationships=TYPE=file` group; each file starts with its header line. */
export interface ImportGroup {
  name: string;
  file: string;
}

export interface ImportInput {
  nodes: ImportGroup[];
  relationships: ImportGroup[];
  /** Files holding a quoted field with a line break (parsed slower, so only those are named). */
  multiline: string[];
}

export interface ImportTimings {
  /** How long the stop took, wherever it overlapped (see stopForImport). */
  stopSeconds: number;
  importSeconds: number;
  startSeconds: number;
  /** Peak resident memory of the admin tool's JVM (VmHWM), 0 where /proc is missing. */
  importPeakRssMb: number;
}

/** True when `config` names a Neo4j this stack runs (pid file alive), i.e. one `importIntoLocalNeo4j` may stop. */
export function isLocalStackNeo4j(config: Config): boolean {
  return !config.neo4j.external && managedNeo4jPid(config) !== undefined;
}

/**
 * Stop the local stack's own Neo4j for an import; resolves with the seconds it took. Refuses any other server.
 * Started early by a caller that has work to do meanwhile (bulk.ts writes its files while the server stops).
 */
export async function stopForImport(config: Config, logger: Logger): Promise<number> {
  if (!isLocalStackNeo4j(config))
    throw new GraphrecError(
      'CONFIG',
      `a bulk import needs the local stack's own Neo4j (graphrec stack up), but ${config.neo4j.uri} is ${config.neo4j.external ? 'external (NEO4J_URI)' : 'not one this stack started'}`,
      { field: '--mode' },
    );
  const t = performance.now();
  logger.info({ database: config.neo4j.database }, 'stopping Neo4j for the bulk import');
  await stopNeo4j(config);
  return Math.round((performance.now() - t) / 100) / 10;
}

/** Undo a stopForImport whose import will not happen (its files could not be written): start the server again. */
export async function cancelImport(config: Config, logger: Logger, stopping: Promise<number>): Promise<void> {
  const stopped = await stopping.then(
    () => true,
    () => false,
  );
  if (stopped) await startNeo4j(config, logger);
}

/** `stopping` is a stopForImport already under way; by default the server is stopped here. */
export async function importIntoLocalNeo4j(
  config: Config,
  input: ImportInput,
  logger: Logger,
  stopping: Promise<number> = stopForImport(config, logger),
): Promise<ImportTimings> {
  const p = neo4jPaths(config);
  const stopSeconds = await stopping;
  let t = performance.now();
  const lap = () => {
    const s = (performance.now() - t) / 1000;
    t = performance.now();
    return Math.round(s * 10) / 10;
  };
  const report = path.join(p.logs, 'import.report');
  const args = [
    // The server is down, so its heap and page-cache budget is free for the importer; no more than that.
    `-Xmx${config.neo4j.heap}`,
    '-XX:+UseG1GC',
    '-XX:+ExitOnOutOfMemoryError',
    '-cp',
    `${p.lib}/*`,
    'org.neo4j.cli.AdminTool',
    'database',
    'import',
    'full',
    // The database first: a --nodes/--relationships group takes every following bare word as one more file.
    config.neo4j.database,
    '--overwrite-destination=true',
    `--max-off-heap-memory=${config.neo4j.pageCache}`,
    `--report-file=${report}`,
    ...input.nodes.map((g) => `--nodes=${g.name}=${g.file}`),
    ...input.relationships.map((g) => `--relationships=${g.name}=${g.file}`),
    ...(input.multiline.length > 0
      ? ['--multiline-fields-format=v2', `--multiline-fields=${input.multiline.join(',')}`]
      : []),
  ];
  let importPeakRssMb = 0;
  let failure: unknown;
  try {
    importPeakRssMb = await runAdmin(args, p.home, p.conf, path.join(p.logs, 'import.log'));
  } catch (err) {
    failure = err;
  }
  const importSeconds = lap();
  // Start again whatever happened: a failed import must not leave the developer's server down.
  await startNeo4j(config, logger);
  const startSeconds = lap();
  if (failure) throw failure;
  return { stopSeconds, importSeconds, startSeconds, importPeakRssMb };
}

/** Run the admin tool, output to `logFile`; resolves with its peak RSS in MB, rejects with the log's tail. */
function runAdmin(args: string[], home: string, conf: string, logFile: string): Promise<number> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'w');
  const child = spawn(javaBin(), args, {
    cwd: home,
    env: { ...process.env, NEO4J_HOME: home, NEO4J_CONF: conf },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let peakKb = 0;
  const sample = setInterval(() => {
    peakKb = Math.max(peakKb, peakRssKb(child.pid));
  }, 250);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearInterval(sample);
      reject(unavailable(`could not run neo4j-admin: ${err.message}`, err));
    });
    child.on('exit', (code) => {
      clearInterval(sample);
      if (code === 0) resolve(Math.round(peakKb / 1024));
      else
        reject(
          unavailable(
            `neo4j-admin database import failed (exit ${code}); the database may be empty now, re-run the load. Last lines of ${logFile}:\n${tail(logFile, 25)}`,
          ),
        );
    });
  });
}

/** VmHWM (the high-water mark of resident memory) of a running process, in kB; 0 when unreadable. */
function peakRssKb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
