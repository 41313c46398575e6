// The row rules of the synthetic loader (synthetic.ts), one validator per file. Files load in dependency order and
// each row is checked against the valid rows read before it (SyntheticIds) and the ids already in the graph, so an
// event of a rejected user is rejected too, naming the reason.
import { EVENT_TYPES, GENDERS, LOYALTY_TIERS, REGIONS } from '../../core';
import * as f from './fields';
import { FieldError } from './fields';
import { IdTable } from './idTable';
import type { FileSpec } from './loadFile';
import { ageBand } from './metadata';

const SEASONS = ['none', 'summer', 'winter', 'back_to_school', 'december_gifts'] as const;
const TIERS = ['budget', 'mid', 'premium'] as const;
const DEVICES = ['mobile', 'desktop', 'tablet'] as const;
const CHANNELS = ['direct', 'search', 'social', 'email', 'ads'] as const;
/** Earliest signup or launch accepted (the shop's data begins years before its event window, not decades). */
const EARLIEST = Date.UTC(1990, 0, 1);

/** Ids already in the graph, per key label (categories with their level). */
export interface KnownIds {
  categories: IdTable;
  brands: IdTable;
  products: IdTable;
  users: IdTable;
  sessions: IdTable;
}

/** No ids known: bulk mode imports into an empty database. */
export function noKnownIds(): KnownIds {
  return {
    categories: new IdTable(1),
    brands: new IdTable(),
    products: new IdTable(),
    users: new IdTable(),
    sessions: new IdTable(),
  };
}

/** The ids read from this load's files, with the columns later files check against, and the graph's. */
export class SyntheticIds {
  readonly categories = new IdTable(1); // level
  readonly brands = new IdTable();
  readonly products = new IdTable(1); // launchedAt
  readonly users = new IdTable(1); // signupAt
  readonly sessions = new IdTable(3); // user ordinal, startedAt, endedAt
  readonly events = new IdTable();
  constructor(readonly known: KnownIds) {}

  /** `v` is a valid row of this load (in `t`) or already in the graph (in `k`). */
  exists(t: IdTable, k: IdTable, field: string, v: string, what: string) {
    if (!t.has(v) && !k.has(v))
      throw new FieldError(
        field,
        `${field} must name a ${what} loaded before (a valid row or in the graph), but got: ${JSON.stringify(v)}`,
      );
  }

  /** Adds a new id to `t`, rejecting a repeat of an earlier row; its ordinal. */
  fresh(t: IdTable, field: string, v: string): number {
    const ord = t.add(v);
    if (ord < 0)
      throw new FieldError(field, `${field} ${JSON.stringify(v)} is a duplicate of an earlier row`);
    return ord;
  }

  /** A category's level, from this load or the graph; NaN if neither has it. */
  categoryLevel(id: string): number {
    const co = this.categories.ordinal(id);
    const ko = this.known.categories.ordinal(id);
    return co >= 0 ? this.categories.get(co, 0) : ko >= 0 ? this.known.categories.get(ko, 0) : NaN;
  }
}

/** The data window of manifest.json, and "now" for the plausibility rules (read once per load). */
export interface SyntheticClock {
  start: number;
  end: number;
  loadStartedAt: number;
}

type Validate = FileSpec['validate'];

export function categoryRow(ids: SyntheticIds): Validate {
  return (row) => {
    const id = f.id(row, 'category_id');
    const level = f.integer(row, 'level', 1, 3);
    const parent = f.optional(row, 'parent_id');
    if (level === 1 && parent !== undefined)
      throw new FieldError(
        'parent_id',
        `parent_id must be empty for a level-1 category, but got: ${JSON.stringify(parent)}`,
      );
    if (level > 1) {
      if (parent === undefined)
        throw new FieldError('parent_id', `parent_id is required for a level-${level} category`);
      const plevel = ids.categoryLevel(parent);
      if (Number.isNaN(plevel))
        throw new FieldError(
          'parent_id',
          `parent_id must name a category on an earlier line or in the graph, but got: ${JSON.stringify(parent)}`,
        );
      if (plevel !== level - 1)
        throw new FieldError(
          'parent_id',
          `parent_id must name a level-${level - 1} category, but ${parent} is level ${plevel}`,
        );
    }
    const props = {
      id,
      parent: parent ?? null,
      name: f.text(row, 'name', false, 256),
      level,
      season: f.oneOf(row, 'season', SEASONS),
    };
    ids.categories.set(ids.fresh(ids.categories, 'category_id', id), 0, level);
    return props;
  };
}

export function brandRow(ids: SyntheticIds): Validate {
  return (row) => {
    const id = f.id(row, 'brand_id');
    const props = { id, name: f.text(row, 'name', false, 256), tier: f.oneOf(row, 'tier', TIERS) };
    ids.fresh(ids.brands, 'brand_id', id);
    return props;
  };
}

export function productRow(ids: SyntheticIds, clock: SyntheticClock): Validate {
  return (row) => {
    const id = f.id(row, 'product_id');
    const category = f.id(row, 'category_id');
    const level = ids.categoryLevel(category);
    if (Number.isNaN(level))
      throw new FieldError(
        'category_id',
        `category_id must name a category loaded before, but got: ${JSON.stringify(category)}`,
      );
    if (level !== 3)
      throw new FieldError(
        'category_id',
        `category_id must name a leaf (level-3) category, but ${category} is level ${level}`,
      );
    const brand = f.id(row, 'brand_id');
    ids.exists(ids.brands, ids.known.brands, 'brand_id', brand, 'brand');
    const launchedAt = f.isoTime(row, 'launched_at');
    f.inWindow(
      'launched_at',
      launchedAt,
      EARLIEST,
      clock.end,
      'the range 1990-01-01 .. the end of the data window',
    );
    const currency = f.required(row, 'currency');
    if (!/^[A-Z]{3}$/.test(currency))
      throw new FieldError(
        'currency',
        `currency must be an ISO 4217 code such as EUR, but got: ${JSON.stringify(currency)}`,
      );
    const props = {
      id,
      category,
      brand,
      props: {
        name: f.text(row, 'name', false, 512),
        price: f.decimal(row, 'price', 0, 10_000_000),
        currency,
        description: f.text(row, 'description', true),
        launchedAt,
        inStock: f.bool(row, 'in_stock'),
        consumable: f.bool(row, 'consumable'),
      },
    };
    ids.products.set(ids.fresh(ids.products, 'product_id', id), 0, launchedAt);
    return props;
  };
}

export function userRow(ids: SyntheticIds, clock: SyntheticClock): Validate {
  const endYear = new Date(clock.end).getUTCFullYear();
  return (row) => {
    const id = f.id(row, 'user_id');
    const signupAt = f.inWindow(
      'signup_at',
      f.isoTime(row, 'signup_at'),
      EARLIEST,
      clock.end,
      'the range 1990-01-01 .. the end of the data window',
    );
    const birthYear = f.integer(row, 'birth_year', endYear - 120, endYear - 18);
    const region = f.oneOf(row, 'region', REGIONS);
    const tier = f.oneOf(row, 'loyalty_tier', LOYALTY_TIERS);
    const props = {
      id,
      ageBand: ageBand(birthYear, endYear),
      region,
      tier,
      props: {
        signupAt,
        birthYear,
        gender: f.oneOf(row, 'gender', GENDERS),
        region,
        loyaltyTier: tier,
        emailDomain: f.text(row, 'email_domain', true, 253) ?? null,
        marketingOptIn: f.bool(row, 'marketing_opt_in'),
      },
    };
    ids.users.set(ids.fresh(ids.users, 'user_id', id), 0, signupAt);
    return props;
  };
}

export function sessionRow(ids: SyntheticIds, clock: SyntheticClock): Validate {
  const { users, sessions } = ids;
  return (row) => {
    const id = f.id(row, 'session_id');
    const userId = f.id(row, 'user_id');
    ids.exists(users, ids.known.users, 'user_id', userId, 'user');
    const uo = users.ordinal(userId);
    const startedAt = f.inWindow('started_at', f.isoTime(row, 'started_at'), clock.start, clock.end);
    const endedAt = f.inWindow('ended_at', f.isoTime(row, 'ended_at'), clock.start, clock.end);
    if (endedAt < startedAt)
      throw new FieldError(
        'ended_at',
        `ended_at must not be before started_at (${new Date(startedAt).toISOString()}), but got: ${new Date(endedAt).toISOString()}`,
      );
    if (uo >= 0 && startedAt < users.get(uo, 0))
      throw new FieldError(
        'started_at',
        `started_at must not be before the user's signup_at (${new Date(users.get(uo, 0)).toISOString()})`,
      );
    const props = {
      id,
      props: {
        userId,
        startedAt,
        endedAt,
        device: f.oneOf(row, 'device', DEVICES),
        channel: f.oneOf(row, 'channel', CHANNELS),
      },
    };
    const so = ids.fresh(sessions, 'session_id', id);
    sessions.set(so, 0, uo);
    sessions.set(so, 1, startedAt);
    sessions.set(so, 2, endedAt);
    return props;
  };
}

export function eventRow(ids: SyntheticIds, clock: SyntheticClock): Validate {
  const { users, products, sessions, known } = ids;
  return (row) => {
    const eventId = f.id(row, 'event_id');
    const s = f.id(row, 'session_id');
    ids.exists(sessions, known.sessions, 'session_id', s, 'session');
    const u = f.id(row, 'user_id');
    ids.exists(users, known.users, 'user_id', u, 'user');
    const p = f.id(row, 'product_id');
    ids.exists(products, known.products, 'product_id', p, 'product');
    const type = f.oneOf(row, 'event_type', EVENT_TYPES);
    const ts = f.eventTime(
      'ts',
      f.inWindow('ts', f.isoTime(row, 'ts'), clock.start, clock.end),
      clock.loadStartedAt,
    );
    const so = sessions.ordinal(s);
    if (so >= 0) {
      const uo = sessions.get(so, 0);
      if (uo >= 0 && users.ordinal(u) !== uo)
        throw new FieldError(
          'user_id',
          `user_id must be the session's user, but ${s} belongs to another user than ${u}`,
        );
      if (ts < sessions.get(so, 1) || ts > sessions.get(so, 2))
        throw new FieldError(
          'ts',
          `ts must be inside its session ${new Date(sessions.get(so, 1)).toISOString()} .. ${new Date(sessions.get(so, 2)).toISOString()}, but got: ${new Date(ts).toISOString()}`,
        );
    }
    const po = products.ordinal(p);
    if (po >= 0 && ts < products.get(po, 0))
      throw new FieldError(
        'ts',
        `ts must not be before the product's launched_at (${new Date(products.get(po, 0)).toISOString()})`,
      );
    const seq = f.integer(row, 'seq', 0, 1_000_000);
    const { quantity, price } = f.eventAmounts(
      row,
      { quantity: 'quantity', price: 'price' },
      type === 'view',
      true,
    );
    ids.fresh(ids.events, 'event_id', eventId);
    return {
      type,
      u,
      p,
      s,
      props: { eventId, ts, sessionId: s, seq, quantity, price },
    };
  };
}
