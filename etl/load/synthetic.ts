// `--format synthetic`: the six files of `graphrec generate` (docs/data-format.md) into the graph of
// docs/graph-model.md. Files load in dependency order; each row is checked against the rows read before it
// (and the ids already in the graph), so an event of a rejected user is rejected too, naming the reason.
import fs from 'node:fs';
import path from 'node:path';
import {
  corrupt,
  EVENT_TYPES,
  GENDERS,
  LOYALTY_TIERS,
  notFound,
  REGIONS,
  REL_FOR,
  SHOP_COLUMNS,
  SHOP_FILES,
  type EventRel,
} from '../../core';
import * as f from './fields';
import { FieldError } from './fields';
import { IdTable } from './idTable';
import { knownIds } from './knownIds';
import { fileFingerprint, FileSpec, FileSummary, loadFile, LoadContext, readHeader } from './loadFile';
import { ageBand, assignPriceBands, mergeMetadataNodes, SESSION_COUNTS } from './metadata';
import type { WriteRow } from './writer';

export const SYNTHETIC_FILES = SHOP_FILES;
type SyntheticFile = (typeof SYNTHETIC_FILES)[number];

interface Manifest {
  window: { start: string; end: string };
  counts?: Record<string, unknown>;
  files?: Record<string, { rows?: number; bytes?: number; sha256?: string }>;
}

export function readManifest(dir: string): { manifest: Manifest; start: number; end: number } {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw notFound(`manifest.json is missing: ${file}`, { file: 'manifest.json' });
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw corrupt(`manifest.json is not valid JSON: ${(err as Error).message}`, { file: 'manifest.json' });
  }
  const start = Date.parse(manifest?.window?.start ?? '');
  const end = Date.parse(manifest?.window?.end ?? '');
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start)
    throw corrupt('manifest.json must have window.start <= window.end as ISO timestamps', {
      file: 'manifest.json',
      field: 'window',
    });
  return { manifest, start, end };
}

const SEASONS = ['none', 'summer', 'winter', 'back_to_school', 'december_gifts'] as const;
const TIERS = ['budget', 'mid', 'premium'] as const;
const DEVICES = ['mobile', 'desktop', 'tablet'] as const;
const CHANNELS = ['direct', 'search', 'social', 'email', 'ads'] as const;
/** Earliest signup or launch accepted (the shop's data begins years before its event window, not decades). */
const EARLIEST = Date.UTC(1990, 0, 1);

const Q = {
  categoriesCreate: `UNWIND $rows AS r
CREATE (c:Category {id: r.id}) SET c.name = r.name, c.level = r.level, c.season = r.season
WITH c, r WHERE r.parent IS NOT NULL
MATCH (p:Category {id: r.parent}) CREATE (c)-[:CHILD_OF]->(p)`,
  categoriesMerge: `UNWIND $rows AS r
MERGE (c:Category {id: r.id}) SET c.name = r.name, c.level = r.level, c.season = r.season
WITH c, r WHERE r.parent IS NOT NULL
MATCH (p:Category {id: r.parent}) MERGE (c)-[:CHILD_OF]->(p)`,
  brandsCreate: `UNWIND $rows AS r CREATE (b:Brand {id: r.id}) SET b.name = r.name, b.tier = r.tier`,
  brandsMerge: `UNWIND $rows AS r MERGE (b:Brand {id: r.id}) SET b.name = r.name, b.tier = r.tier`,
  productsCreate: `UNWIND $rows AS r
MATCH (c:Category {id: r.category}) MATCH (b:Brand {id: r.brand})
CREATE (p:Product {id: r.id}) SET p.name = r.props.name, p.price = r.props.price, p.currency = r.props.currency, p.description = r.props.description, p.launchedAt = r.props.launchedAt, p.inStock = r.props.inStock, p.consumable = r.props.consumable
CREATE (p)-[:IN_CATEGORY]->(c) CREATE (p)-[:MADE_BY]->(b)`,
  // Properties are set one by one (a map SET makes the planner add an Eager step) and others' properties (f_*,
  // embedding) are kept; a moved product loses its old links.
  productsMerge: `UNWIND $rows AS r
MATCH (c:Category {id: r.category}) MATCH (b:Brand {id: r.brand})
MERGE (p:Product {id: r.id}) SET p.name = r.props.name, p.price = r.props.price, p.currency = r.props.currency, p.description = r.props.description, p.launchedAt = r.props.launchedAt, p.inStock = r.props.inStock, p.consumable = r.props.consumable
WITH p, r, c, b
OPTIONAL MATCH (p)-[oc:IN_CATEGORY]->(c0) WHERE c0 <> c DELETE oc
WITH DISTINCT p, r, c, b
OPTIONAL MATCH (p)-[ob:MADE_BY]->(b0) WHERE b0 <> b DELETE ob
WITH DISTINCT p, c, b
MERGE (p)-[:IN_CATEGORY]->(c) MERGE (p)-[:MADE_BY]->(b)`,
  usersCreate: `UNWIND $rows AS r
MATCH (a:AgeBand {id: r.ageBand}) MATCH (g:Region {id: r.region}) MATCH (t:LoyaltyTier {id: r.tier})
CREATE (u:User {id: r.id}) SET u.signupAt = r.props.signupAt, u.birthYear = r.props.birthYear, u.gender = r.props.gender, u.region = r.props.region, u.loyaltyTier = r.props.loyaltyTier, u.emailDomain = r.props.emailDomain, u.marketingOptIn = r.props.marketingOptIn
CREATE (u)-[:IN_AGE_BAND]->(a) CREATE (u)-[:IN_REGION]->(g) CREATE (u)-[:HAS_TIER]->(t)`,
  usersMerge: `UNWIND $rows AS r
MATCH (a:AgeBand {id: r.ageBand}) MATCH (g:Region {id: r.region}) MATCH (t:LoyaltyTier {id: r.tier})
MERGE (u:User {id: r.id}) SET u.signupAt = r.props.signupAt, u.birthYear = r.props.birthYear, u.gender = r.props.gender, u.region = r.props.region, u.loyaltyTier = r.props.loyaltyTier, u.emailDomain = r.props.emailDomain, u.marketingOptIn = r.props.marketingOptIn
WITH u, a, g, t
OPTIONAL MATCH (u)-[o:IN_AGE_BAND|IN_REGION|HAS_TIER]->(m) WHERE NOT m IN [a, g, t] DELETE o
WITH DISTINCT u, a, g, t
MERGE (u)-[:IN_AGE_BAND]->(a) MERGE (u)-[:IN_REGION]->(g) MERGE (u)-[:HAS_TIER]->(t)`,
  sessionsCreate: `UNWIND $rows AS r
MATCH (u:User {id: r.props.userId})
CREATE (s:Session {id: r.id}) SET s.userId = r.props.userId, s.startedAt = r.props.startedAt, s.endedAt = r.props.endedAt, s.device = r.props.device, s.channel = r.props.channel, s.eventCount = 0
CREATE (u)-[:HAD_SESSION]->(s)`,
  sessionsMerge: `UNWIND $rows AS r
MATCH (u:User {id: r.props.userId})
MERGE (s:Session {id: r.id}) ON CREATE SET s.eventCount = 0
SET s.userId = r.props.userId, s.startedAt = r.props.startedAt, s.endedAt = r.props.endedAt, s.device = r.props.device, s.channel = r.props.channel
MERGE (u)-[:HAD_SESSION]->(s)`,
};

function eventCypher(rel: EventRel, merge: boolean): string {
  // rel comes from REL_FOR, the vocabulary's closed map.
  return merge
    ? `UNWIND $rows AS r MATCH (u:User {id: r.u}) MATCH (p:Product {id: r.p})
MERGE (u)-[e:${rel} {eventId: r.props.eventId}]->(p)
SET e.ts = r.props.ts, e.sessionId = r.props.sessionId, e.seq = r.props.seq, e.quantity = r.props.quantity, e.price = r.props.price`
    : `UNWIND $rows AS r MATCH (u:User {id: r.u}) MATCH (p:Product {id: r.p})
CREATE (u)-[:${rel} {eventId: r.props.eventId, ts: r.props.ts, sessionId: r.props.sessionId, seq: r.props.seq, quantity: r.props.quantity, price: r.props.price}]->(p)`;
}

function eventParts(merge: boolean) {
  const cyphers = Object.fromEntries(EVENT_TYPES.map((t) => [t, eventCypher(REL_FOR[t], merge)])) as Record<
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

export interface SyntheticResult {
  files: Record<string, FileSummary>;
  priceBandLinksChanged: number;
}

/** Check everything that would stop the load (files, headers, manifest) before writing anything. */
export async function preflightSynthetic(dir: string): Promise<void> {
  readManifest(dir);
  for (const name of SYNTHETIC_FILES) await readHeader(path.join(dir, name), name, [...SHOP_COLUMNS[name]]);
}

export async function loadSynthetic(dir: string, ctx: LoadContext): Promise<SyntheticResult> {
  const { manifest, start, end } = readManifest(dir);
  const endYear = new Date(end).getUTCFullYear();
  // Bulk mode (ctx.openSink) writes nothing before its import: the metadata nodes are in its files, and the
  // price bands are computed once the imported graph is up (bulk.ts).
  const transactional = ctx.openSink === undefined;
  if (transactional) await mergeMetadataNodes(ctx.graph);

  // Ids read from this load's files (with the columns later files check against) and ids already in the graph.
  const categories = new IdTable(1); // level
  const brands = new IdTable();
  const products = new IdTable(1); // launchedAt
  const users = new IdTable(1); // signupAt
  const sessions = new IdTable(3); // user ordinal, startedAt, endedAt
  const events = new IdTable();
  // "Now" for the plausibility rules (no event from the future), read once so every row meets the same clock.
  const loadStartedAt = Date.now();
  // Bulk mode imports into an empty database (mode.ts), which is being stopped meanwhile: nothing to read.
  const known = transactional
    ? {
        categories: await knownIds(ctx.graph, 'Category', 1),
        brands: await knownIds(ctx.graph, 'Brand'),
        products: await knownIds(ctx.graph, 'Product'),
        users: await knownIds(ctx.graph, 'User'),
        sessions: await knownIds(ctx.graph, 'Session'),
      }
    : {
        categories: new IdTable(1),
        brands: new IdTable(),
        products: new IdTable(),
        users: new IdTable(),
        sessions: new IdTable(),
      };
  const exists = (t: IdTable, k: IdTable, field: string, v: string, what: string) => {
    if (!t.has(v) && !k.has(v))
      throw new FieldError(
        field,
        `${field} must name a ${what} loaded before (a valid row or in the graph), but got: ${JSON.stringify(v)}`,
      );
  };
  const fresh = (t: IdTable, field: string, v: string) => {
    const ord = t.add(v);
    if (ord < 0)
      throw new FieldError(field, `${field} ${JSON.stringify(v)} is a duplicate of an earlier row`);
    return ord;
  };

  const spec = (
    name: SyntheticFile,
    validate: FileSpec['validate'],
    create: FileSpec['statements']['create'],
    merge: FileSpec['statements']['merge'],
  ): FileSpec => {
    const p = path.join(dir, name);
    const m = manifest.files?.[name];
    const size = fs.statSync(p).size;
    return {
      name,
      path: p,
      columns: [...SHOP_COLUMNS[name]],
      validate,
      statements: { name: `etl.load.${name.replace('.csv', '')}`, create, merge },
      fingerprint: m?.sha256 && m.bytes === size ? `sha256:${m.sha256}` : fileFingerprint(p),
      expectedRows: m?.rows,
    };
  };

  const files: Record<string, FileSummary> = {};

  files['categories.csv'] = await loadFile(
    spec(
      'categories.csv',
      (row) => {
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
          const po = categories.ordinal(parent);
          const ko = known.categories.ordinal(parent);
          const plevel = po >= 0 ? categories.get(po, 0) : ko >= 0 ? known.categories.get(ko, 0) : NaN;
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
        categories.set(fresh(categories, 'category_id', id), 0, level);
        return props;
      },
      Q.categoriesCreate,
      Q.categoriesMerge,
    ),
    ctx,
  );

  files['brands.csv'] = await loadFile(
    spec(
      'brands.csv',
      (row) => {
        const id = f.id(row, 'brand_id');
        const props = { id, name: f.text(row, 'name', false, 256), tier: f.oneOf(row, 'tier', TIERS) };
        fresh(brands, 'brand_id', id);
        return props;
      },
      Q.brandsCreate,
      Q.brandsMerge,
    ),
    ctx,
  );

  files['products.csv'] = await loadFile(
    spec(
      'products.csv',
      (row) => {
        const id = f.id(row, 'product_id');
        const category = f.id(row, 'category_id');
        const co = categories.ordinal(category);
        const ko = known.categories.ordinal(category);
        const level = co >= 0 ? categories.get(co, 0) : ko >= 0 ? known.categories.get(ko, 0) : NaN;
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
        exists(brands, known.brands, 'brand_id', brand, 'brand');
        const launchedAt = f.isoTime(row, 'launched_at');
        f.inWindow(
          'launched_at',
          launchedAt,
          EARLIEST,
          end,
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
        products.set(fresh(products, 'product_id', id), 0, launchedAt);
        return props;
      },
      Q.productsCreate,
      Q.productsMerge,
    ),
    ctx,
  );
  const priceBandLinksChanged = transactional ? await assignPriceBands(ctx.graph) : 0;

  files['users.csv'] = await loadFile(
    spec(
      'users.csv',
      (row) => {
        const id = f.id(row, 'user_id');
        const signupAt = f.inWindow(
          'signup_at',
          f.isoTime(row, 'signup_at'),
          EARLIEST,
          end,
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
        users.set(fresh(users, 'user_id', id), 0, signupAt);
        return props;
      },
      Q.usersCreate,
      Q.usersMerge,
    ),
    ctx,
  );

  files['sessions.csv'] = await loadFile(
    spec(
      'sessions.csv',
      (row) => {
        const id = f.id(row, 'session_id');
        const userId = f.id(row, 'user_id');
        exists(users, known.users, 'user_id', userId, 'user');
        const uo = users.ordinal(userId);
        const startedAt = f.inWindow('started_at', f.isoTime(row, 'started_at'), start, end);
        const endedAt = f.inWindow('ended_at', f.isoTime(row, 'ended_at'), start, end);
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
        const so = fresh(sessions, 'session_id', id);
        sessions.set(so, 0, uo);
        sessions.set(so, 1, startedAt);
        sessions.set(so, 2, endedAt);
        return props;
      },
      Q.sessionsCreate,
      Q.sessionsMerge,
    ),
    ctx,
  );

  files['events.csv'] = await loadFile(
    spec(
      'events.csv',
      (row) => {
        const eventId = f.id(row, 'event_id');
        const s = f.id(row, 'session_id');
        exists(sessions, known.sessions, 'session_id', s, 'session');
        const u = f.id(row, 'user_id');
        exists(users, known.users, 'user_id', u, 'user');
        const p = f.id(row, 'product_id');
        exists(products, known.products, 'product_id', p, 'product');
        const type = f.oneOf(row, 'event_type', EVENT_TYPES);
        const ts = f.eventTime('ts', f.inWindow('ts', f.isoTime(row, 'ts'), start, end), loadStartedAt);
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
        fresh(events, 'event_id', eventId);
        return {
          type,
          u,
          p,
          s,
          props: { eventId, ts, sessionId: s, seq, quantity, price },
        };
      },
      eventParts(false),
      eventParts(true),
    ),
    ctx,
  );

  return { files, priceBandLinksChanged };
}
