// Input validation for every GraphQL argument, as pure functions. Messages state the rule and the value
// received, and name the field (STYLE.md 19); they become BAD_USER_INPUT with `extensions.field`.
import {
  eventTimeRule,
  parseIsoTimestamp,
  priceRule,
  quantityRule,
  validationError,
  viewFieldRule,
} from '../core';
import { EVENT_TYPES, type EventType, type UntaggedEvent } from '../events';

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_RE = /^[A-Za-z0-9:_.-]{8,128}$/;

export function checkId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID_RE.test(value)) {
    throw validationError(
      `\`${field}\` must be 1-64 letters, digits, "_" or "-", but got: ${JSON.stringify(value)}`,
      { field },
    );
  }
  return value;
}

export const optionalId = (value: unknown, field: string): string | null =>
  value === null || value === undefined ? null : checkId(value, field);

export function checkFirst(value: unknown, max: number, field = 'first'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw validationError(
      `\`${field}\` must be an integer in [1, ${max}], but got: ${JSON.stringify(value)}`,
      {
        field,
      },
    );
  }
  return value;
}

export type Device = 'desktop' | 'mobile' | 'tablet' | 'app';
export type Page = 'home' | 'product' | 'cart' | 'category' | 'search';

export interface Context {
  ts: number;
  device: Device | null;
  page: Page | null;
  productId: string | null;
}

export interface ContextInput {
  timestamp?: string | null;
  device?: string | null;
  page?: string | null;
  productId?: string | null;
}

/** An ISO 8601 timestamp with its zone, on a real calendar day, inside the plausible event range
 * (core/eventRules.ts: the ETL applies the same rule to its files). */
export function parseTimestamp(value: unknown, field: string, now: number): number {
  const shown = JSON.stringify(value);
  const parsed = parseIsoTimestamp(typeof value === 'string' ? value : '', shown);
  const rule = parsed.ok ? eventTimeRule(parsed.ts, now, shown) : parsed.rule;
  if (!parsed.ok || rule !== undefined) throw validationError(`\`${field}\` ${rule}`, { field });
  return parsed.ts;
}

export function parseContext(input: ContextInput | null | undefined, now: number): Context {
  const c = input ?? {};
  return {
    ts: c.timestamp == null ? now : parseTimestamp(c.timestamp, 'context.timestamp', now),
    device: (c.device as Device | null | undefined) ?? null,
    page: (c.page as Page | null | undefined) ?? null,
    productId: optionalId(c.productId, 'context.productId'),
  };
}

export interface RecFilter {
  categoryIds: string[] | null;
  minPrice: number | null;
  maxPrice: number | null;
  inStockOnly: boolean;
  excludePurchased: boolean;
}

export interface RecFilterInput {
  categoryIds?: string[] | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  inStockOnly?: boolean | null;
  excludePurchased?: boolean | null;
}

export function parseFilter(input: RecFilterInput | null | undefined): RecFilter {
  const f = input ?? {};
  const categoryIds =
    f.categoryIds == null ? null : f.categoryIds.map((c, i) => checkId(c, `filter.categoryIds[${i}]`));
  for (const [name, v] of [
    ['minPrice', f.minPrice],
    ['maxPrice', f.maxPrice],
  ] as const) {
    if (v != null && (!Number.isFinite(v) || v < 0)) {
      throw validationError(`\`filter.${name}\` must be a number >= 0, but got: ${JSON.stringify(v)}`, {
        field: `filter.${name}`,
      });
    }
  }
  if (f.minPrice != null && f.maxPrice != null && f.minPrice > f.maxPrice) {
    throw validationError(
      `\`filter.minPrice\` must not exceed \`filter.maxPrice\`, but got: ${f.minPrice} > ${f.maxPrice}`,
      { field: 'filter.minPrice' },
    );
  }
  return {
    categoryIds: categoryIds && categoryIds.length > 0 ? categoryIds : null,
    minPrice: f.minPrice ?? null,
    maxPrice: f.maxPrice ?? null,
    inStockOnly: f.inStockOnly ?? true,
    excludePurchased: f.excludePurchased ?? true,
  };
}

export interface EventInput {
  idempotencyKey: string;
  type: string;
  productId: string;
  userId?: string | null;
  sessionId?: string | null;
  timestamp?: string | null;
  quantity?: number | null;
  price?: number | null;
  recId?: string | null;
}

export function parseEvents(inputs: EventInput[], maxBatch: number, now: number): UntaggedEvent[] {
  if (inputs.length === 0) {
    throw validationError('`events` must hold at least 1 event, but got: 0', { field: 'events' });
  }
  if (inputs.length > maxBatch) {
    throw validationError(`\`events\` must hold at most ${maxBatch} events, but got: ${inputs.length}`, {
      field: 'events',
    });
  }
  return inputs.map((e, i) => {
    const f = (name: string) => `events[${i}].${name}`;
    if (typeof e.idempotencyKey !== 'string' || !KEY_RE.test(e.idempotencyKey)) {
      throw validationError(
        `\`${f('idempotencyKey')}\` must be 8-128 letters, digits, ":", "_", "." or "-", but got: ${JSON.stringify(e.idempotencyKey)}`,
        { field: f('idempotencyKey') },
      );
    }
    const type = e.type.toLowerCase();
    if (!(EVENT_TYPES as readonly string[]).includes(type)) {
      throw validationError(
        `\`${f('type')}\` must be one of VIEW, CART, PURCHASE, but got: ${JSON.stringify(e.type)}`,
        {
          field: f('type'),
        },
      );
    }
    const productId = checkId(e.productId, f('productId'));
    const userId = optionalId(e.userId, f('userId'));
    const sessionId = optionalId(e.sessionId, f('sessionId'));
    if (!userId && !sessionId) {
      throw validationError(`\`${f('userId')}\` or \`${f('sessionId')}\` must be given, but got neither`, {
        field: f('userId'),
      });
    }
    // Plausibility, shared with the ETL (core/eventRules.ts): a view carries no quantity or price; a cart or
    // purchase line has a bounded quantity (1 when left out) and, when given, a bounded unit price.
    const broken = (name: 'quantity' | 'price', rule: string | undefined) => {
      if (rule !== undefined) throw validationError(`\`${f(name)}\` ${rule}`, { field: f(name) });
    };
    if (type === 'view') {
      if (e.quantity != null) broken('quantity', viewFieldRule(JSON.stringify(e.quantity)));
      if (e.price != null) broken('price', viewFieldRule(JSON.stringify(e.price)));
    } else {
      if (e.quantity != null) broken('quantity', quantityRule(e.quantity, JSON.stringify(e.quantity)));
      if (e.price != null) broken('price', priceRule(e.price, JSON.stringify(e.price)));
    }
    const quantity = e.quantity ?? 1;
    const recId = e.recId == null ? null : e.recId;
    if (recId !== null && !KEY_RE.test(recId)) {
      throw validationError(
        `\`${f('recId')}\` must be a recId returned by recommendations, but got: ${JSON.stringify(recId)}`,
        {
          field: f('recId'),
        },
      );
    }
    return {
      eventId: e.idempotencyKey,
      type: type as EventType,
      userId: userId ?? `anon:${sessionId}`,
      anonymous: !userId,
      sessionId,
      productId,
      ts: e.timestamp == null ? now : parseTimestamp(e.timestamp, f('timestamp'), now),
      quantity,
      price: e.price ?? null,
      recId,
    };
  });
}
