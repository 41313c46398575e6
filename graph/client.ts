// One Neo4j client per process. Every transaction carries metadata naming the app and the query, so that
// `SHOW TRANSACTIONS` and the query log can answer "who ran this".
//
// Routing: with a neo4j:// (or neo4j+s://) URI the driver asks the server for a routing table and sends each
// transaction by its access mode, reads to the readers (followers, read replicas) and writes to the leader. So
// every session opened here states its mode: `read` and `stream` in READ sessions (the server also refuses a
// write there, so a mislabelled query fails everywhere instead of only on a cluster), `write` and `writeTx` in
// WRITE ones. With routing, the managed transactions share one bookmark manager, so a read that follows a write
// of this client (a load's checkpoint, an erasure's footprint) waits until its follower has applied that write.
import neo4j, { Driver, ManagedTransaction, RecordShape, QueryResult } from 'neo4j-driver';
import type { Config } from '../core';
import { translateNeo4jError } from './errors';
import { toPlain } from './values';

export type Params = Record<string, unknown>;

/** A named, parameterised query: the only way code hands Cypher to the client. */
export interface NamedQuery {
  name: string;
  cypher: string;
}

export interface GraphClient {
  readonly driver: Driver;
  readonly database: string;
  /** Run a read query in a managed read transaction; rows come back as plain objects. */
  read<T = Record<string, unknown>>(q: NamedQuery, params?: Params): Promise<T[]>;
  /**
   * Stream a read query's rows to `sink` one record at a time, never collecting them: exports of millions of
   * rows. Values come as the driver decodes them (integers as neo4j Integer; `toNumber` in graph/values
   * converts). The driver may retry the transaction after a transient error, replaying the rows from the
   * start, so `sink.start()` runs before every attempt and must reset what the sink has taken. Resolves to the
   * number of rows of the attempt that committed.
   */
  stream(q: NamedQuery, params: Params, sink: RowSink): Promise<number>;
  /** Run a write query in a managed (retried) write transaction. */
  write<T = Record<string, unknown>>(q: NamedQuery, params?: Params): Promise<T[]>;
  /** Run several statements in one write transaction (all or nothing). */
  writeTx<T>(name: string, work: (tx: ManagedTransaction) => Promise<T>): Promise<T>;
  verify(): Promise<void>;
  close(): Promise<void>;
}

/** What `stream` feeds: a record's values by RETURN position. */
export interface StreamedRow {
  get(index: number): unknown;
}

export interface RowSink {
  start(): void;
  row(r: StreamedRow): void;
}

export interface ClientOptions {
  app?: string;
  /** Fail fast when connecting (used by readiness probes and `stack status`). */
  connectionTimeoutMs?: number;
  maxRetryTimeMs?: number;
  /**
   * Reads run as auto-commit transactions: RUN and PULL in one round trip, instead of a managed transaction's
   * BEGIN, RUN, PULL and COMMIT, and without the driver's retries. For the API, whose reads are single
   * statements that degrade instead of retrying.
   */
  autoCommitReads?: boolean;
}

export function createGraphClient(config: Config['neo4j'], opts: ClientOptions = {}): GraphClient {
  const app = opts.app ?? 'graphrec';
  const fail = (err: unknown, queryName: string) => translateNeo4jError(err, queryName, config.uri);
  // Only routed URIs need bookmarks: on one server (bolt://) every transaction already sees all committed ones,
  // and bookmarks held across a database replaced underneath (the bulk import) would wait for a version the new
  // database never reaches (BookmarkTimeout).
  const bookmarkManager = /^neo4j(\+s|\+ssc)?:\/\//i.test(config.uri) ? neo4j.bookmarkManager() : undefined;
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
    userAgent: `${app}/0.1`,
    connectionTimeout: opts.connectionTimeoutMs ?? 30_000,
    maxTransactionRetryTime: opts.maxRetryTimeMs ?? 30_000,
    logging: undefined,
  });
  const database = config.database;
  const txConfig = (name: string) => ({ metadata: { app, query: name } });
  const rows = <T>(res: QueryResult<RecordShape>): T[] => res.records.map((r) => toPlain(r.toObject()) as T);

  async function run<T>(mode: 'READ' | 'WRITE', q: NamedQuery, params: Params): Promise<T[]> {
    // The API's auto-commit reads skip the bookmarks: its client never writes, and a follower that is a
    // moment behind serves it better than one it waits for.
    const autoCommit = mode === 'READ' && opts.autoCommitReads === true;
    const session = driver.session({
      database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      bookmarkManager: autoCommit ? undefined : bookmarkManager,
    });
    const work = async (tx: ManagedTransaction) => rows<T>(await tx.run(q.cypher, params));
    try {
      if (autoCommit) return rows<T>(await session.run(q.cypher, params, txConfig(q.name)));
      return await (mode === 'READ'
        ? session.executeRead(work, txConfig(q.name))
        : session.executeWrite(work, txConfig(q.name)));
    } catch (err) {
      throw fail(err, q.name);
    } finally {
      await session.close();
    }
  }

  return {
    driver,
    database,
    read: <T>(q: NamedQuery, params: Params = {}) => run<T>('READ', q, params),
    write: <T>(q: NamedQuery, params: Params = {}) => run<T>('WRITE', q, params),
    async stream(q: NamedQuery, params: Params, sink: RowSink) {
      // Larger pulls than the driver's 1,000 records: fewer round trips on a bulk read, still bounded memory.
      const session = driver.session({
        database,
        defaultAccessMode: neo4j.session.READ,
        fetchSize: 10_000,
        bookmarkManager,
      });
      try {
        return await session.executeRead(async (tx) => {
          sink.start();
          let n = 0;
          // The result is pulled in driver-sized batches as this loop consumes it (back-pressure), so memory
          // stays flat however many rows the query returns.
          for await (const record of tx.run(q.cypher, params)) {
            sink.row(record);
            n++;
          }
          return n;
        }, txConfig(q.name));
      } catch (err) {
        throw fail(err, q.name);
      } finally {
        await session.close();
      }
    },
    async writeTx<T>(name: string, work: (tx: ManagedTransaction) => Promise<T>) {
      const session = driver.session({ database, defaultAccessMode: neo4j.session.WRITE, bookmarkManager });
      try {
        return await session.executeWrite(work, txConfig(name));
      } catch (err) {
        throw fail(err, name);
      } finally {
        await session.close();
      }
    },
    async verify() {
      try {
        await driver.verifyConnectivity({ database });
      } catch (err) {
        throw fail(err, 'verifyConnectivity');
      }
    },
    close: () => driver.close(),
  };
}
