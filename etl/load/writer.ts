// Batched, checkpointed writes of one file.
//
// Each batch is one write transaction that also moves the file's checkpoint, (:EtlCheckpoint {id, line}), so
// "batch committed" and "checkpoint moved" cannot disagree: a load killed at any point and re-run skips exactly
// the committed rows and writes the rest. Rows past the checkpoint go in with the fast statement (CREATE); the
// unique constraints turn a CREATE of something already in the graph (an incremental load overlapping an earlier
// one, a file loaded under another path) into a CONFLICT, and that batch is redone with the MERGE statement. A
// MERGE that still conflicts (an eventId already used by another user or product) is bisected down to the row,
// which is quarantined. Neo4j going away is retried with backoff; after that the load stops, and what was
// committed is exactly what the checkpoints say.
import type { ManagedTransaction } from 'neo4j-driver';
import { GraphrecError, isGraphrecError, unavailable } from '../../core';
import type { GraphClient } from '../../graph';

export interface WriteRow {
  line: number;
  raw: string;
  params: Record<string, unknown>;
}

/** One file's statements: `create` is the fast path, `merge` the idempotent one; both get `$rows`. */
export interface FileStatements {
  name: string;
  create: string | ((rows: WriteRow[]) => { cypher: string; rows: unknown[] }[]);
  merge: string | ((rows: WriteRow[]) => { cypher: string; rows: unknown[] }[]);
}

export interface WriterOptions {
  graph: GraphClient;
  checkpointId: string;
  fingerprint: string;
  batchSize: number;
  /** Rows with line <= this were committed by an earlier run of the same file (from readCheckpoint). */
  committedLine: number;
  onReject: (row: WriteRow, reason: string) => void;
  /** Total time to keep retrying while Neo4j is unavailable. */
  retryForMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const CHECKPOINT_READ = `MATCH (c:EtlCheckpoint {id: $id}) RETURN c.line AS line, c.fingerprint AS fingerprint`;
const CHECKPOINT_WRITE = `MERGE (c:EtlCheckpoint {id: $id})
SET c.line = $line, c.fingerprint = $fingerprint, c.updatedAt = timestamp()`;

/** The last committed line of a file, or 0 when there is no checkpoint or it belongs to other contents. */
export async function readCheckpoint(graph: GraphClient, id: string, fingerprint: string): Promise<number> {
  const rows = await graph.read<{ line: number; fingerprint: string }>(
    { name: 'etl.load.checkpoint.read', cypher: CHECKPOINT_READ },
    { id },
  );
  return rows[0] && rows[0].fingerprint === fingerprint ? Number(rows[0].line) : 0;
}

export class BatchWriter {
  private batch: WriteRow[] = [];
  private inFlight: Promise<void> | undefined;
  private failure: unknown;
  written = 0;
  skipped = 0;
  rejected = 0;
  retries = 0;
  merged = 0;
  private lastLine = 0;

  constructor(
    private readonly stmts: FileStatements,
    private readonly opts: WriterOptions,
  ) {}

  /** Queue a valid row; at most one batch is in flight while the next one is read. */
  async push(row: WriteRow): Promise<void> {
    if (row.line <= this.opts.committedLine) {
      this.skipped += 1;
      return;
    }
    this.batch.push(row);
    if (this.batch.length >= this.opts.batchSize) await this.flush(false);
  }

  /** Note the last line read, so that the final checkpoint covers trailing rejected rows too. */
  seen(line: number): void {
    this.lastLine = Math.max(this.lastLine, line);
  }

  async flush(final = true): Promise<void> {
    if (this.inFlight) await this.inFlight;
    if (this.failure) throw this.failure;
    const rows = this.batch;
    this.batch = [];
    const upTo = final
      ? Math.max(this.lastLine, rows[rows.length - 1]?.line ?? 0)
      : rows[rows.length - 1].line;
    if (rows.length === 0 && (upTo <= this.opts.committedLine || upTo === 0)) return;
    const p = this.commit(rows, upTo).catch((err: unknown) => {
      this.failure = err;
    });
    if (final) {
      await p;
      if (this.failure) throw this.failure;
    } else {
      this.inFlight = p;
    }
  }

  private async commit(rows: WriteRow[], upTo: number): Promise<void> {
    try {
      await this.withRetry(() => this.tx(this.stmts.create, rows, upTo));
      this.written += rows.length;
    } catch (err) {
      if (!isConflict(err)) throw err;
      await this.mergeRows(rows, upTo);
    }
  }

  /** Idempotent path, bisecting on conflicts so that one bad row cannot hold back its batch. */
  private async mergeRows(rows: WriteRow[], upTo: number): Promise<void> {
    try {
      await this.withRetry(() => this.tx(this.stmts.merge, rows, upTo));
      this.written += rows.length;
      this.merged += rows.length;
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (rows.length === 1) {
        this.opts.onReject(rows[0], `conflicts with the graph: ${(err as Error).message}`);
        this.rejected += 1;
        await this.withRetry(() => this.tx(this.stmts.merge, [], upTo));
        return;
      }
      const mid = rows.length >> 1;
      await this.mergeRows(rows.slice(0, mid), rows[mid - 1].line);
      await this.mergeRows(rows.slice(mid), upTo);
    }
  }

  private tx(stmt: FileStatements['create'], rows: WriteRow[], upTo: number): Promise<void> {
    const { graph, checkpointId, fingerprint } = this.opts;
    return graph.writeTx(this.stmts.name, async (tx: ManagedTransaction) => {
      if (rows.length > 0) {
        const parts =
          typeof stmt === 'string' ? [{ cypher: stmt, rows: rows.map((r) => r.params) }] : stmt(rows);
        for (const part of parts) if (part.rows.length > 0) await tx.run(part.cypher, { rows: part.rows });
      }
      await tx.run(CHECKPOINT_WRITE, { id: checkpointId, line: upTo, fingerprint });
    });
  }

  private async withRetry(work: () => Promise<void>): Promise<void> {
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    const deadline = Date.now() + (this.opts.retryForMs ?? 120_000);
    let wait = 500;
    for (;;) {
      try {
        return await work();
      } catch (err) {
        if (!(isGraphrecError(err) && err.kind === 'UNAVAILABLE') || Date.now() + wait > deadline) {
          if (isGraphrecError(err) && err.kind === 'UNAVAILABLE')
            throw unavailable(
              `Neo4j stayed unavailable while loading (${this.stmts.name}); every batch up to the checkpoint is committed, a re-run resumes from there: ${err.message}`,
              err,
            );
          throw err;
        }
        this.retries += 1;
        await sleep(wait);
        wait = Math.min(wait * 2, 10_000);
      }
    }
  }
}

function isConflict(err: unknown): err is GraphrecError {
  return isGraphrecError(err) && err.kind === 'CONFLICT';
}
