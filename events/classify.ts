// What the consumer does with a failed graph write, and which stream payloads it can write at all. Only an
// unreachable graph is waited out for as long as it takes (every event would fail the same way, none is at
// fault); an error the graph answered with is either the event's own (retrying cannot fix it: dead-letter at
// once) or transient (retried a bounded number of times, then dead-lettered with its reason).
import { isGraphrecError } from '../core';
import { EVENT_TYPES, type TrackedEvent } from './types';

export type WriteFailure = 'graph-down' | 'transient' | 'permanent';

/** Driver codes that mean "no database to talk to", not "this transaction failed". */
const DOWN_CODES = new Set([
  'ServiceUnavailable',
  'SessionExpired',
  'Neo.TransientError.General.DatabaseUnavailable',
]);

function neo4jCode(err: unknown): string {
  const cause = isGraphrecError(err) ? err.cause : err;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

export function classifyWriteError(err: unknown): WriteFailure {
  const code = neo4jCode(err);
  // A database that is starting, stopping or not there yet (a restart) is down too, whatever its class.
  if (DOWN_CODES.has(code) || /Unavailable|DatabaseNotFound|NotALeader/.test(code)) return 'graph-down';
  if (isGraphrecError(err)) {
    // Credentials or configuration: no event is at fault, an operator must act; waiting keeps them all.
    if (err.kind === 'CONFIG') return 'graph-down';
    // Connection-level failures the translation already named (connection refused or closed).
    if (err.kind === 'UNAVAILABLE' && !code.startsWith('Neo.')) return 'graph-down';
  }
  if (/TransactionTimedOut|Transient|Timeout/i.test(code)) return 'transient';
  // Constraint violations, type errors, anything of the client class: the same write fails every time.
  if (code.startsWith('Neo.ClientError.')) return 'permanent';
  if (isGraphrecError(err) && (err.kind === 'CONFLICT' || err.kind === 'VALIDATION')) return 'permanent';
  return 'transient';
}

/** The dead-letter reason of a permanent failure: a constraint violation is a reused idempotency key. */
export function permanentReason(err: unknown): string {
  const code = neo4jCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'Neo.ClientError.Schema.ConstraintValidationFailed' || /already exists with/i.test(message))
    return `conflict: the eventId is already stored for another user or product (${message})`;
  return `rejected by the graph: ${message}`;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const orNull = (v: unknown, check: (x: unknown) => boolean) => v === null || v === undefined || check(v);

/**
 * Why a stream payload cannot be written (the field that is wrong), or null when its shape is fine. The API
 * validated it before the append; this guards against entries written by anything else (or an older API).
 */
export function malformedReason(e: Partial<TrackedEvent>): string | null {
  if (!isText(e.eventId)) return 'malformed payload: eventId is not a non-empty string';
  if (!EVENT_TYPES.includes(e.type as never)) return `malformed payload: type ${JSON.stringify(e.type)}`;
  if (!isText(e.userId)) return 'malformed payload: userId is not a non-empty string';
  if (!isText(e.productId)) return 'malformed payload: productId is not a non-empty string';
  if (!isNumber(e.ts)) return 'malformed payload: ts is not a number';
  if (!isNumber(e.quantity)) return 'malformed payload: quantity is not a number';
  if (typeof e.anonymous !== 'boolean') return 'malformed payload: anonymous is not a boolean';
  if (!orNull(e.price, isNumber)) return 'malformed payload: price is not a number';
  if (!orNull(e.sessionId, isText)) return 'malformed payload: sessionId is not a string';
  if (!orNull(e.recId, isText)) return 'malformed payload: recId is not a string';
  return null;
}
