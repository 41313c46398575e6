// Loading one CSV file: header check, streaming read, per-row validation, quarantine, batched checkpointed writes.
import fs from 'node:fs';
import path from 'node:path';
import { createProgress, Logger, notFound, validationError } from '../../core';
import type { GraphClient } from '../../graph';
import { readCsv, readTextLines } from './csvReader';
import { FieldError } from './fields';
import type { Quarantine } from './quarantine';
import { BatchWriter, FileStatements, readCheckpoint, WriteRow } from './writer';

export interface FileSummary {
  read: number;
  loaded: number;
  rejected: number;
  /** Rows written by this run (the rest of `loaded` was committed by an earlier run and skipped). */
  written: number;
  /** Rows an earlier, interrupted or complete, run had committed (skipped by the checkpoint). */
  alreadyCommitted: number;
  seconds: number;
  rowsPerSecond: number;
}

export interface FileSpec {
  /** Name shown in messages and the summary, e.g. `events.csv`. */
  name: string;
  path: string;
  /** Columns that must be in the header (others are ignored). */
  columns: string[];
  /** A plain text file without a header: each line is a row `{ line }`. */
  headerless?: boolean;
  /** Validate a row (by header name) and return the write parameters, or throw a FieldError. */
  validate: (row: Record<string, string>, line: number) => Record<string, unknown>;
  statements: FileStatements;
  /** Identifies the file's contents for its checkpoint (a checksum, or size and mtime). */
  fingerprint: string;
  /** Expected number of rows, for the progress bar. */
  expectedRows?: number;
}

/** Where a file's valid rows go: Neo4j in checkpointed transactions (BatchWriter), or import files (bulk). */
export interface RowSink {
  /** Note the last line read, so that the file's checkpoint covers trailing rejected rows too. */
  seen(line: number): void;
  push(row: WriteRow): Promise<void>;
  flush(final: boolean): Promise<void>;
  readonly written: number;
  readonly skipped: number;
  readonly rejected: number;
}

export interface LoadContext {
  graph: GraphClient;
  logger: Logger;
  quarantine: Quarantine;
  progressBar: boolean;
  batchSize: number;
  checkpointPrefix: string;
  retryForMs?: number;
  /** Called after each row is read, for tests that stop a load part-way. */
  onRow?: (file: string, line: number) => void | Promise<void>;
  /** Bulk mode: where each file's rows go instead of the graph (absent: checkpointed write transactions). */
  openSink?: (file: string, checkpointId: string, fingerprint: string) => RowSink;
}

/** Read a file's header (line 1) and check the required columns; a missing file or column stops the load. */
export async function readHeader(file: string, display: string, columns: string[]): Promise<string[] | null> {
  if (!fs.existsSync(file)) throw notFound(`${display} is missing: ${file}`, { file: display });
  if (!fs.statSync(file).isFile())
    throw validationError(`${display} is not a file: ${file}`, { file: display });
  for await (const item of readCsv(file)) {
    if (item.kind === 'bad')
      throw validationError(`the header row is unreadable: ${item.reason}`, {
        file: display,
        line: item.line,
      });
    checkHeader(item.fields, display, item.line);
    const missing = columns.filter((c) => !item.fields.includes(c));
    if (missing.length > 0)
      throw validationError(
        `the header must name the columns ${columns.join(',')}, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (got ${quoteStart(item.fields.join(','))})`,
        { file: display, line: item.line, field: missing[0] },
      );
    return item.fields;
  }
  return null;
}

/** How much of a line an error quotes: enough to recognise it, never a whole multi-megabyte line. */
export const QUOTE_CHARS = 200;

/** The start of `text`, cut to QUOTE_CHARS with its full length said, for error messages. */
export function quoteStart(text: string): string {
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}... [${text.length} characters]` : text;
}

/** A header names each column once: with two `price` columns, which one a row's value came from is a guess. */
export function checkHeader(fields: string[], display: string, line: number): void {
  const first = new Map<string, number>();
  fields.forEach((name, i) => {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, i);
    else
      throw validationError(
        `the header must name each column once, but ${JSON.stringify(quoteStart(name))} is both column ${earlier + 1} and column ${i + 1}`,
        { file: display, line, field: quoteStart(name) },
      );
  });
}

export function fileFingerprint(file: string): string {
  const st = fs.statSync(file);
  return `size:${st.size}:mtime:${Math.trunc(st.mtimeMs)}`;
}

export async function loadFile(spec: FileSpec, ctx: LoadContext): Promise<FileSummary> {
  const t0 = performance.now();
  const q = ctx.quarantine;
  const summary: FileSummary = {
    read: 0,
    loaded: 0,
    rejected: 0,
    written: 0,
    alreadyCommitted: 0,
    seconds: 0,
    rowsPerSecond: 0,
  };
  const checkpointId = `${ctx.checkpointPrefix}:${path.resolve(spec.path)}`;
  const writer = ctx.openSink
    ? ctx.openSink(spec.name, checkpointId, spec.fingerprint)
    : await transactionalSink(spec, ctx, checkpointId);
  const progress = createProgress({
    label: `load ${spec.name}`,
    total: spec.expectedRows ?? 0,
    tty: ctx.progressBar,
    logger: ctx.logger,
  });
  let header: string[] | undefined = spec.headerless ? ['line'] : undefined;
  const reject = (line: number, reason: string, raw: string, field?: string) => {
    summary.rejected += 1;
    q.add({ file: spec.name, line, field, reason, raw });
  };
  try {
    for await (const item of spec.headerless ? readTextLines(spec.path) : readCsv(spec.path)) {
      if (!header) {
        if (item.kind === 'bad')
          throw validationError(`the header row is unreadable: ${item.reason}`, { file: spec.name, line: 1 });
        checkHeader(item.fields, spec.name, item.line);
        header = item.fields;
        continue;
      }
      summary.read += 1;
      writer.seen(item.line);
      if (ctx.onRow) await ctx.onRow(spec.name, item.line);
      if (item.kind === 'bad') {
        reject(item.line, item.reason, item.raw);
      } else if (item.fields.length !== header.length) {
        reject(
          item.line,
          `malformed CSV: expected ${header.length} fields as in the header, but got ${item.fields.length}`,
          item.raw,
        );
      } else {
        const row: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) row[header[i]] = item.fields[i];
        let params: Record<string, unknown> | undefined;
        try {
          params = spec.validate(row, item.line);
        } catch (err) {
          if (!(err instanceof FieldError)) throw err;
          reject(item.line, err.message, item.raw, err.field);
        }
        if (params) await writer.push({ line: item.line, raw: item.raw, params } satisfies WriteRow);
      }
      if ((summary.read & 0x3fff) === 0) progress.update(summary.read, { rejected: summary.rejected });
    }
    if (!header || (spec.headerless && summary.read === 0)) {
      q.add({
        file: spec.name,
        line: 1,
        reason: spec.headerless ? 'the file is empty' : 'the file is empty: expected a header row',
        raw: '',
      });
      ctx.logger.warn({ file: spec.name }, 'the file is empty');
    }
    await writer.flush(true);
  } finally {
    progress.update(summary.read, { rejected: summary.rejected });
    progress.stop();
  }
  summary.rejected += writer.rejected;
  summary.written = writer.written;
  summary.alreadyCommitted = writer.skipped;
  summary.loaded = summary.read - summary.rejected;
  summary.seconds = round((performance.now() - t0) / 1000, 3);
  summary.rowsPerSecond = summary.seconds > 0 ? Math.round(summary.read / summary.seconds) : summary.read;
  ctx.logger.info({ file: spec.name, ...summary }, 'file loaded');
  return summary;
}

async function transactionalSink(spec: FileSpec, ctx: LoadContext, checkpointId: string): Promise<RowSink> {
  const committedLine = await readCheckpoint(ctx.graph, checkpointId, spec.fingerprint);
  if (committedLine > 0)
    ctx.logger.info({ file: spec.name, committedLine }, 'resuming after the last committed batch');
  return new BatchWriter(spec.statements, {
    graph: ctx.graph,
    checkpointId,
    fingerprint: spec.fingerprint,
    batchSize: ctx.batchSize,
    committedLine,
    retryForMs: ctx.retryForMs,
    onReject: (row, reason) => ctx.quarantine.add({ file: spec.name, line: row.line, reason, raw: row.raw }),
  });
}

export const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
