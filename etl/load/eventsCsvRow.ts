// One row of an events-csv log (mapping.ts) checked and parsed; both passes of eventsCsv.ts use the same rules.
import { FieldError } from './fields';
import * as f from './fields';
import type { Mapping } from './mapping';

/** A timestamp column as the mapping declares it: ISO, epoch milliseconds or epoch seconds. */
export function parseTs(
  row: Record<string, string>,
  field: string,
  kind: Mapping['events']['timestamp'],
): number {
  if (kind === 'iso') return f.isoTime(row, field);
  const v = f.required(row, field);
  const n = /^\d{1,16}(\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n))
    throw new FieldError(
      field,
      `${field} must be epoch ${kind === 'ms' ? 'milliseconds' : 'seconds'}, but got: ${JSON.stringify(v.slice(0, 40))}`,
    );
  return Math.round(kind === 'ms' ? n : n * 1000);
}

/**
 * The validator of an events row. Every event meets the plausibility rules (f.eventTime: not before 2000, not
 * after `loadStartedAt`); a mapping's window narrows that further.
 */
export function eventRowValidator(ev: Mapping['events'], loadStartedAt: number) {
  const c = ev.columns;
  const start = ev.window ? Date.parse(ev.window.start) : -Infinity;
  const end = ev.window ? Date.parse(ev.window.end) : Infinity;
  const what = 'the mapping window';
  return (row: Record<string, string>) => {
    const user = f.id(row, c.user);
    const item = f.id(row, c.item);
    const typeRaw = f.required(row, c.type);
    const type = ev.types[typeRaw];
    if (!type)
      throw new FieldError(
        c.type,
        `${c.type} must be one of ${Object.keys(ev.types).join(', ')}, but got: ${JSON.stringify(typeRaw.slice(0, 40))}`,
      );
    const ts = f.eventTime(
      c.timestamp,
      f.inWindow(c.timestamp, parseTs(row, c.timestamp, ev.timestamp), start, end, what),
      loadStartedAt,
    );
    const session = c.session ? f.id(row, c.session) : undefined;
    const category = c.category ? f.optional(row, c.category) : undefined;
    const eventId = c.eventId ? f.id(row, c.eventId) : undefined;
    const { quantity, price } = f.eventAmounts(
      row,
      { quantity: c.quantity, price: c.price },
      type === 'view',
      false,
    );
    return { user, item, type, ts, session, category, eventId, quantity, price };
  };
}

export type EventRow = ReturnType<ReturnType<typeof eventRowValidator>>;
