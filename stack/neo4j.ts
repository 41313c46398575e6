// The local Neo4j Community 5.26 server: jars resolved from Maven Central by graph/server/pom.xml, started
// directly with the machine's Java on org.neo4j.server.CommunityEntryPoint. State lives in <dataDir>/neo4j.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Config, GraphrecError, Logger, unavailable } from '../core';
import { createGraphClient } from '../graph';
import { isAlive, readPid, sleep, spawnDetached, stopPid, tail } from './processes';

export interface Neo4jPaths {
  home: string;
  conf: string;
  data: string;
  logs: string;
  pidFile: string;
  consoleLog: string;
  /** The only directory LOAD CSV may name with file:/// URLs (the server's import root); kept empty. */
  import: string;
  lib: string;
  pom: string;
  mavenRepo: string;
}

export function neo4jPaths(config: Config): Neo4jPaths {
  const home = path.join(config.dataDir, 'neo4j');
  return {
    home,
    conf: path.join(home, 'conf'),
    data: path.join(home, 'data'),
    logs: path.join(home, 'logs'),
    import: path.join(home, 'import'),
    pidFile: path.join(home, 'run', 'neo4j.pid'),
    consoleLog: path.join(home, 'logs', 'console.log'),
    lib: path.join(config.home, '.cache', 'neo4j-server', 'lib'),
    pom: path.join(config.home, 'graph', 'server', 'pom.xml'),
    mavenRepo: path.join(config.home, '.cache', 'm2'),
  };
}

/** Resolve the server's jars with Maven unless the pom is unchanged since the last resolution. */
export function ensureServerJars(p: Neo4jPaths, logger: Logger): void {
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(p.pom)).digest('hex');
  const stamp = path.join(p.lib, '.pom.sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === pomHash) return;
  logger.info({ pom: p.pom }, 'resolving Neo4j server jars from Maven Central (first run only)');
  fs.rmSync(p.lib, { recursive: true, force: true });
  try {
    execFileSync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        p.pom,
        `-Dmaven.repo.local=${p.mavenRepo}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${p.lib}`,
        '-DincludeScope=runtime',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; code?: string };
    if (e.code === 'ENOENT') {
      throw new GraphrecError(
        'CONFIG',
        'Maven (mvn) is not installed: it is needed once to fetch Neo4j (apt-get install maven)',
      );
    }
    const output = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`
      .split('\n')
      .slice(-15)
      .join('\n');
    throw unavailable(`could not resolve the Neo4j server jars with Maven:\n${output}`, err);
  }
  fs.writeFileSync(stamp, pomHash);
}

export function renderNeo4jConf(config: Config, p: Neo4jPaths): string {
  const n = config.neo4j;
  return [
    '# Written by `graphrec stack up` from the environment on every start; edit the variables, not this file.',
    'server.default_listen_address=127.0.0.1',
    `server.bolt.listen_address=127.0.0.1:${n.boltPort}`,
    `server.http.listen_address=127.0.0.1:${n.httpPort}`,
    // What the server tells clients to connect to: Neo4j Browser reads the Bolt URL from the HTTP discovery
    // document, which would otherwise offer the default localhost:7687 whatever NEO4J_BOLT_PORT says.
    'server.default_advertised_address=127.0.0.1',
    `server.bolt.advertised_address=127.0.0.1:${n.boltPort}`,
    `server.http.advertised_address=127.0.0.1:${n.httpPort}`,
    'server.https.enabled=false',
    `server.directories.data=${p.data}`,
    `server.directories.logs=${p.logs}`,
    `server.directories.run=${path.dirname(p.pidFile)}`,
    // The JVM heap is set on the java command line (-Xms/-Xmx); these two keep Neo4j's own accounting in step.
    `server.memory.heap.initial_size=${n.heap}`,
    `server.memory.heap.max_size=${n.heap}`,
    `server.memory.pagecache.size=${n.pageCache}`,
    `db.memory.transaction.total.max=${n.txMemory}`,
    'dbms.security.auth_enabled=true',
    // LOAD CSV is for no one: the ETL writes through the driver or neo4j-admin import, never LOAD CSV. Should a
    // query carry one past graphrec cypher's screen, file:/// URLs are refused, the import root is an empty
    // directory of the server's own, and every address is blocked for http(s) URLs (local services included).
    'dbms.security.allow_csv_import_from_file_urls=false',
    `server.directories.import=${p.import}`,
    'internal.dbms.cypher_ip_blocklist=0.0.0.0/0,::/0',
    // No internet on our machines: never phone home.
    'dbms.usage_report.enabled=false',
    // Bulk loads write large transaction logs; keep a bounded amount for recovery, not history.
    'db.tx_log.rotation.retention_policy=2G size',
    'db.logs.query.enabled=INFO',
    'db.logs.query.threshold=2s',
    '',
  ].join('\n');
}

function jvmArgs(config: Config, p: Neo4jPaths): string[] {
  const heap = config.neo4j.heap;
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:+DisableExplicitGC',
    '-Djdk.nio.maxCachedBufferSize=1024',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dlog4j2.disable.jmx=true',
    '-Dfile.encoding=UTF-8',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
    '-cp',
    `${p.lib}/*`,
  ];
}

export function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Neo4j takes the initial password only before the system database exists, through its admin tool. */
function setInitialPasswordIfNew(config: Config, p: Neo4jPaths, logger: Logger): void {
  if (fs.existsSync(path.join(p.data, 'databases', 'system'))) return;
  logger.info('first start: setting the initial Neo4j password from NEO4J_PASSWORD');
  execFileSync(
    javaBin(),
    ['-cp', `${p.lib}/*`, 'org.neo4j.cli.AdminTool', 'dbms', 'set-initial-password', config.neo4j.password],
    {
      env: { ...process.env, NEO4J_HOME: p.home, NEO4J_CONF: p.conf },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

export interface Neo4jProbe {
  up: boolean;
  version?: string;
  edition?: string;
  error?: string;
}

/** Ask Neo4j itself: `RETURN 1` must answer, and dbms.components() gives the version. */
export async function probeNeo4j(config: Config, timeoutMs = 3000): Promise<Neo4jProbe> {
  const client = createGraphClient(config.neo4j, {
    app: 'graphrec-stack',
    connectionTimeoutMs: timeoutMs,
    maxRetryTimeMs: 0,
  });
  try {
    await client.read({ name: 'stack.ping', cypher: 'RETURN 1 AS ok' });
    const rows = await client.read<{ versions: string[]; edition: string }>({
      name: 'stack.components',
      cypher:
        'CALL dbms.components() YIELD name, versions, edition WHERE name = "Neo4j Kernel" RETURN versions, edition',
    });
    return { up: true, version: rows[0]?.versions[0], edition: rows[0]?.edition };
  } catch (err) {
    return { up: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.close();
  }
}

export interface Neo4jUpResult {
  started: boolean;
  pid?: number;
  external: boolean;
  version?: string;
}

export async function startNeo4j(config: Config, logger: Logger): Promise<Neo4jUpResult> {
  if (config.neo4j.external) {
    const probe = await probeNeo4j(config, 10_000);
    if (!probe.up)
      throw unavailable(`NEO4J_URI=${config.neo4j.uri} is set but does not answer: ${probe.error}`);
    return { started: false, external: true, version: probe.version };
  }
  const p = neo4jPaths(config);
  const existing = readPid(p.pidFile);
  if (isAlive(existing)) {
    try {
      const probe = await waitForBolt(config, p, existing!, config.stack.startTimeoutSeconds * 1000);
      return { started: false, pid: existing, external: false, version: probe.version };
    } catch (err) {
      // It died while we waited (killed, or crashed during its own start): start a fresh one below.
      if (isAlive(existing)) throw err;
      logger.warn({ neo4jPid: existing }, 'the recorded Neo4j process died; starting a new one');
    }
  }
  const squatter = await probeNeo4j(config, 1500);
  if (squatter.up) {
    // Someone else's Neo4j answers on our port with our credentials: use it rather than fight for the port.
    logger.warn(
      { uri: config.neo4j.uri },
      'a Neo4j not started by graphrec already answers on the Bolt port; using it',
    );
    return { started: false, external: true, version: squatter.version };
  }
  ensureServerJars(p, logger);
  for (const dir of [p.conf, p.data, p.logs, p.import, path.dirname(p.pidFile)])
    fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(p.conf, 'neo4j.conf'), renderNeo4jConf(config, p));
  setInitialPasswordIfNew(config, p, logger);
  // One retry: right after a crash (kill -9) the first JVM can exit before logging anything while the old
  // process's resources are released; a second start a few seconds later comes up normally.
  for (let attempt = 1; ; attempt++) {
    const pid = spawnDetached({
      command: javaBin(),
      args: [
        ...jvmArgs(config, p),
        'org.neo4j.server.CommunityEntryPoint',
        `--home-dir=${p.home}`,
        `--config-dir=${p.conf}`,
      ],
      cwd: p.home,
      logFile: p.consoleLog,
      pidFile: p.pidFile,
      env: { ...process.env, NEO4J_HOME: p.home, NEO4J_CONF: p.conf },
    });
    logger.info({ neo4jPid: pid, attempt }, 'Neo4j starting');
    try {
      const probe = await waitForBolt(config, p, pid, config.stack.startTimeoutSeconds * 1000);
      return { started: true, pid, external: false, version: probe.version };
    } catch (err) {
      if (attempt >= 2 || isAlive(pid)) throw err;
      logger.warn(
        { err: (err as Error).message.split('\n')[0] },
        'Neo4j exited during start-up; retrying once',
      );
      await sleep(3000);
    }
  }
}

async function waitForBolt(
  config: Config,
  p: Neo4jPaths,
  pid: number,
  timeoutMs: number,
): Promise<Neo4jProbe> {
  const deadline = Date.now() + timeoutMs;
  let last: Neo4jProbe = { up: false };
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw unavailable(`Neo4j exited during start-up. Last lines of its logs:\n${logTail(p)}`);
    }
    last = await probeNeo4j(config, 2000);
    if (last.up) return last;
    if (last.error && /credentials|refused the credentials/i.test(last.error)) {
      throw new GraphrecError(
        'CONFIG',
        `Neo4j is up but refuses NEO4J_PASSWORD; the password is fixed at the first start of ${p.data} (${last.error})`,
        { field: 'NEO4J_PASSWORD' },
      );
    }
    await sleep(500);
  }
  throw unavailable(
    `Neo4j did not answer on ${config.neo4j.uri} within ${Math.round(timeoutMs / 1000)} s (${last.error}). Last lines of its logs:\n${logTail(p)}`,
  );
}

function logTail(p: Neo4jPaths): string {
  return [tail(path.join(p.logs, 'neo4j.log'), 20), tail(p.consoleLog, 20)].join('\n---\n');
}

export async function stopNeo4j(config: Config): Promise<boolean> {
  if (config.neo4j.external) return false;
  const p = neo4jPaths(config);
  const stopped = await stopPid(readPid(p.pidFile), 60_000);
  fs.rmSync(p.pidFile, { force: true });
  return stopped;
}

export function managedNeo4jPid(config: Config): number | undefined {
  const pid = readPid(neo4jPaths(config).pidFile);
  return isAlive(pid) ? pid : undefined;
}
