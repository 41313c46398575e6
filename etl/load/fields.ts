// Field parsers for loader rows. Each returns the parsed value or throws a FieldError whose message states the
// rule and the value received; the reader turns that into a quarantine entry naming file, line and field.
import { eventTimeRule, parseIsoTimestamp, priceRule, quantityRule, viewFieldRule } from '../../core';

export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

/** Longest text field accepted (descriptions are the longest real ones, a few hundred characters). */
export const MAX_TEXT = 4096;
/** Longest id accepted. */
export const MAX_ID = 128;

const show = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);

export function required(row: Record<string, string>, field: string): string {
  const v = row[field];
  if (v === undefined || v === '')
    throw new FieldError(field, `${field} is required, but got an empty value`);
  return v;
}

export function optional(row: Record<string, string>, field: string): string | undefined {
  const v = row[field];
  return v === undefined || v === '' ? undefined : v;
}

function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

export function id(row: Record<string, string>, field: string): string {
  const v = required(row, field);
  if (v.length > MAX_ID)
    throw new FieldError(field, `${field} must be at most ${MAX_ID} characters, but got ${v.length}`);
  if (hasControl(v))
    throw new FieldError(field, `${field} must not contain control characters, but got: ${show(v)}`);
  return v;
}

export function text(
  row: Record<string, string>,
  field: string,
  opt = false,
  max = MAX_TEXT,
): string | undefined {
  const v = opt ? optional(row, field) : required(row, field);
  if (v !== undefined && v.length > max)
    throw new FieldError(field, `${field} must be at most ${max} characters, but got ${v.length}`);
  return v;
}

/** An ISO 8601 timestamp with its zone on a real calendar day (core/eventRules.ts), as epoch milliseconds. */
export function isoTime(row: Record<string, string>, field: string): number {
  const v = required(row, field);
  const parsed = parseIsoTimestamp(v, show(v));
  if (!parsed.ok) throw new FieldError(field, `${field} ${parsed.rule}`);
  return parsed.ts;
}

/** An event's time inside the plausible range the storefront is held to as well (core/eventRules.ts). */
export function eventTime(field: string, ts: number, now: number): number {
  const rule = eventTimeRule(ts, now);
  if (rule !== undefined) throw new FieldError(field, `${field} ${rule}`);
  return ts;
}

/**
 * An event's quantity and unit price, by the rules trackEvents applies too (core/eventRules.ts): a view has
 * neither; a cart or purchase has a bounded quantity and a bounded price. `required` says whether a cart or
 * purchase must carry them (the synthetic format) or may leave them empty (a mapped log).
 */
export function eventAmounts(
  row: Record<string, string>,
  fields: { quantity?: string; price?: string },
  isView: boolean,
  requireThem: boolean,
): { quantity: number | null; price: number | null } {
  const amount = (field: string | undefined, rule: (n: number, shown: string) => string | undefined) => {
    if (field === undefined) return null;
    const v = isView || !requireThem ? optional(row, field) : required(row, field);
    if (v === undefined) return null;
    const broken = isView
      ? viewFieldRule(show(v))
      : rule(/^-?\d{1,15}(\.\d{1,6})?$/.test(v) ? Number(v) : NaN, show(v));
    if (broken !== undefined) throw new FieldError(field, `${field} ${broken}`);
    return Number(v);
  };
  return { quantity: amount(fields.quantity, quantityRule), price: amount(fields.price, priceRule) };
}

export function integer(row: Record<string, string>, field: string, min: number, max: number): number {
  const v = required(row, field);
  const n = /^-?\d{1,15}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new FieldError(field, `${field} must be an integer in [${min}, ${max}], but got: ${show(v)}`);
  return n;
}

export function decimal(
  row: Record<string, string>,
  field: string,
  minExclusive: number,
  max: number,
): number {
  const v = required(row, field);
  const n = /^-?\d{1,12}(\.\d{1,6})?$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= minExclusive || n > max)
    throw new FieldError(
      field,
      `${field} must be a decimal in (${minExclusive}, ${max}], but got: ${show(v)}`,
    );
  return n;
}

export function bool(row: Record<string, string>, field: string): boolean {
  const v = required(row, field);
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new FieldError(field, `${field} must be true or false, but got: ${show(v)}`);
}

export function oneOf<T extends string>(
  row: Record<string, string>,
  field: string,
  allowed: readonly T[],
): T {
  const v = required(row, field);
  if (!(allowed as readonly string[]).includes(v))
    throw new FieldError(field, `${field} must be one of ${allowed.join(', ')}, but got: ${show(v)}`);
  return v as T;
}

/** A timestamp (ms) inside [start, end]; `what` names the window in the message. */
export function inWindow(
  field: string,
  t: number,
  start: number,
  end: number,
  what = 'the data window',
): number {
  if (t < start || t > end)
    throw new FieldError(
      field,
      `${field} must be inside ${what} ${new Date(start).toISOString()} .. ${new Date(end).toISOString()}, but got: ${new Date(t).toISOString()}`,
    );
  return t;
}
