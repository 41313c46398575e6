// Writing a batch so that one bad event cannot hold the others: a batch whose write fails is split in halves,
// and the halves again, until each failing event is alone; only then is its error judged (events/classify.ts).
// An unreachable graph is not split over (every half would fail the same way): it is thrown to the caller,
// which waits and writes the whole batch again (MERGE on eventId makes the halves already written no-ops).
import { classifyWriteError, permanentReason } from './classify';
import type { StreamedEvent } from './write';

export interface DeadEvent {
  event: StreamedEvent;
  reason: string;
}

export interface IsolatedWrite {
  /** Ids the graph stored (or already had: a replay). */
  written: Set<string>;
  /** Events that can never be written, with why. */
  dead: DeadEvent[];
}

export interface IsolateOptions {
  /** Transient failures one event may have before it is dead-lettered. */
  maxAttempts: number;
  /** Transient failures so far per eventId; kept by the caller across batches, cleared here when settled. */
  attempts: Map<string, number>;
  /** Wait before retrying an event after a transient failure (the attempt number starts at 1). */
  backoff: (attempt: number) => Promise<void>;
  onTransient?: (err: unknown, event: StreamedEvent, attempt: number) => void;
}

/** Thrown when the graph cannot be reached: nothing is dead-lettered, the caller retries the batch later. */
export class GraphDownError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'GraphDownError';
  }
}

export async function writeIsolating(
  write: (events: StreamedEvent[]) => Promise<Set<string>>,
  events: StreamedEvent[],
  opts: IsolateOptions,
): Promise<IsolatedWrite> {
  const out: IsolatedWrite = { written: new Set(), dead: [] };
  const pending: StreamedEvent[][] = events.length > 0 ? [events] : [];
  while (pending.length > 0) {
    const batch = pending.shift()!;
    try {
      for (const id of await write(batch)) out.written.add(id);
      for (const e of batch) opts.attempts.delete(e.eventId);
      continue;
    } catch (err) {
      const kind = classifyWriteError(err);
      if (kind === 'graph-down') throw new GraphDownError(err);
      if (batch.length > 1) {
        const mid = Math.ceil(batch.length / 2);
        pending.unshift(batch.slice(0, mid), batch.slice(mid));
        continue;
      }
      const [event] = batch;
      if (kind === 'permanent') {
        opts.attempts.delete(event.eventId);
        out.dead.push({ event, reason: permanentReason(err) });
        continue;
      }
      const attempt = (opts.attempts.get(event.eventId) ?? 0) + 1;
      opts.attempts.set(event.eventId, attempt);
      if (attempt >= opts.maxAttempts) {
        opts.attempts.delete(event.eventId);
        const message = err instanceof Error ? err.message : String(err);
        out.dead.push({ event, reason: `gave up after ${attempt} transient failures: ${message}` });
        continue;
      }
      opts.onTransient?.(err, event, attempt);
      await opts.backoff(attempt);
      pending.unshift(batch);
    }
  }
  return out;
}
