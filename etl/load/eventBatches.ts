// The shared sink step of the event loaders (synthetic.ts, eventsCsv.ts): a batch of event rows is written as one
// statement per event type (the relationship type cannot be a parameter), then the touched sessions' counts.
import { EVENT_TYPES, REL_FOR, type EventRel } from '../../core';
import { SESSION_COUNTS } from './metadata';
import type { FileStatements, WriteRow } from './writer';

type BatchStatements = Exclude<FileStatements['create'], string>;

/**
 * Splits a batch by `params.type` into `cypherFor(rel)` statements, one per event type, followed by
 * SESSION_COUNTS over the distinct `params.s` of the batch.
 */
export function eventBatchStatements(cypherFor: (rel: EventRel) => string): BatchStatements {
  const cyphers = Object.fromEntries(EVENT_TYPES.map((t) => [t, cypherFor(REL_FOR[t])])) as Record<
    string,
    string
  >;
  return (rows: WriteRow[]) => {
    const byType: Record<string, unknown[]> = { view: [], cart: [], purchase: [] };
    const sessions = new Set<string>();
    for (const r of rows) {
      byType[r.params.type as string].push(r.params);
      sessions.add(r.params.s as string);
    }
    return [
      ...EVENT_TYPES.map((t) => ({ cypher: cyphers[t], rows: byType[t] })),
      { cypher: SESSION_COUNTS, rows: [...sessions] },
    ];
  };
}
