// `--format events-csv`: a generic interaction log described by a JSON mapping (mapping.ts), e.g. RetailRocket.
//
// Two passes over the events file, in bounded memory (typed arrays per valid row, no row objects kept):
//  1. validate every row and keep (user, item, type, ts) as ordinals; sort by (user, ts) to find exact duplicates
//     and to derive sessions by an inactivity gap (default 30 min) when the log has no session column;
//     write the sessions (with their users).
//  2. stream the file again and load each valid row as an event; rejected rows and duplicates go to quarantine.
// Session ids are `<name>:s:<user>:<first ts>` (derived) or `<name>:s:<session>` (mapped); event ids are
// `<name>:e:<eventId>` (mapped) or `<name>:e:<user>:<item>:<type>:<ts>` (derived), so re-loads are idempotent.
import path from 'node:path';
import { EVENT_TYPES as TYPES, REL_FOR as REL } from '../../core';
import { readCsv } from './csvReader';
import * as f from './fields';
import { FieldError } from './fields';
import { IdTable } from './idTable';
import { FileSpec, FileSummary, fileFingerprint, loadFile, LoadContext, readHeader } from './loadFile';
import { checkMappingPaths, Mapping, readMapping } from './mapping';
import { SESSION_COUNTS } from './metadata';
import type { WriteRow } from './writer';

export async function preflightEventsCsv(dir: string, mappingFile: string): Promise<Mapping> {
  const m = readMapping(mappingFile);
  checkMappingPaths(dir, m, mappingFile);
  const c = m.events.columns;
  const cols = [c.user, c.item, c.type, c.timestamp, c.session, c.category, c.eventId, c.quantity, c.price];
  await readHeader(
    path.join(dir, m.events.file),
    m.events.file,
    cols.filter((x): x is string => !!x),
  );
  if (m.categories)
    await readHeader(path.join(dir, m.categories.file), m.categories.file, [
      m.categories.columns.id,
      m.categories.columns.parent,
    ]);
  for (const file of m.itemProperties?.files ?? []) {
    const k = m.itemProperties!.columns;
    await readHeader(path.join(dir, file), file, [k.item, k.property, k.value, k.timestamp]);
  }
  return m;
}

/** A growable typed array. */
class Grow<T extends Float64Array | Int32Array> {
  n = 0;
  constructor(public a: T) {}
  push(v: number) {
    if (this.n === this.a.length) {
      const b = new (this.a.constructor as { new (n: number): T })(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

function parseTs(row: Record<string, string>, field: string, kind: Mapping['events']['timestamp']): number {
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

export interface EventsCsvResult {
  files: Record<string, FileSummary>;
  sessions: number;
  duplicates: number;
}

export async function loadEventsCsv(dir: string, m: Mapping, ctx: LoadContext): Promise<EventsCsvResult> {
  const files: Record<string, FileSummary> = {};
  const ns = m.name;
  const ev = m.events;
  const c = ev.columns;
  // Every event meets the plausibility rules (f.eventTime: not before 2000, not from the future); a mapping's
  // window narrows that further.
  const loadStartedAt = Date.now();
  const start = ev.window ? Date.parse(ev.window.start) : -Infinity;
  const end = ev.window ? Date.parse(ev.window.end) : Infinity;
  const what = 'the mapping window';

  // Categories: read the (small) tree first, since parents may come after their children.
  const catLevel = new Map<string, number>();
  if (m.categories) {
    const cc = m.categories.columns;
    const parentOf = new Map<string, string | null>();
    const raw = path.join(dir, m.categories.file);
    let header: string[] | undefined;
    for await (const item of readCsv(raw)) {
      if (item.kind !== 'row') continue;
      if (!header) {
        header = item.fields;
        continue;
      }
      const row = Object.fromEntries(header.map((h, i) => [h, item.fields[i] ?? '']));
      if (row[cc.id] && !parentOf.has(row[cc.id])) parentOf.set(row[cc.id], row[cc.parent] || null);
    }
    const depth = (id: string): number => {
      let d = 1;
      let cur = parentOf.get(id);
      while (cur) {
        if (++d > 64 || !parentOf.has(cur)) return NaN; // a cycle or an unknown ancestor
        cur = parentOf.get(cur);
      }
      return d;
    };
    for (const id of parentOf.keys()) catLevel.set(id, depth(id));
    const seen = new IdTable();
    const MERGE_CATS = `UNWIND $rows AS r
MERGE (c:Category {id: r.id}) SET c.level = r.level, c.name = coalesce(c.name, r.name)
WITH c, r WHERE r.parent IS NOT NULL
MERGE (p:Category {id: r.parent})
MERGE (c)-[:CHILD_OF]->(p)`;
    files[m.categories.file] = await loadFile(
      {
        name: m.categories.file,
        path: raw,
        columns: [cc.id, cc.parent],
        fingerprint: fileFingerprint(raw),
        statements: { name: 'etl.load.eventsCsv.categories', create: MERGE_CATS, merge: MERGE_CATS },
        validate: (row) => {
          const id = f.id(row, cc.id);
          const parent = f.optional(row, cc.parent);
          if (parent !== undefined && !parentOf.has(parent))
            throw new FieldError(
              cc.parent,
              `${cc.parent} must name a category of the file, but got: ${JSON.stringify(parent)}`,
            );
          const level = catLevel.get(id)!;
          if (Number.isNaN(level))
            throw new FieldError(cc.parent, `category ${id} is in a cycle of ${cc.parent} links`);
          if (seen.add(id) < 0)
            throw new FieldError(cc.id, `${cc.id} ${JSON.stringify(id)} is a duplicate of an earlier row`);
          return {
            id: `${ns}:c${id}`,
            parent: parent === undefined ? null : `${ns}:c${parent}`,
            level,
            name: `category ${id}`,
          };
        },
      },
      ctx,
    );
  }

  // Item properties: the latest value of the category property per item.
  const itemCategory = new Map<string, { cat: string; ts: number }>();
  for (const file of m.itemProperties?.files ?? []) {
    const k = m.itemProperties!.columns;
    const p = path.join(dir, file);
    const seen = new Set<string>();
    files[file] = await loadFile(
      {
        name: file,
        path: p,
        columns: [k.item, k.property, k.value, k.timestamp],
        fingerprint: fileFingerprint(p),
        // Nothing is written per row: the category links are written once, after every file was read.
        statements: { name: 'etl.load.eventsCsv.itemProperties', create: 'RETURN 1', merge: 'RETURN 1' },
        validate: (row) => {
          const item = f.id(row, k.item);
          const property = f.text(row, k.property, false, 256)!;
          const ts = parseTs(row, k.timestamp, ev.timestamp);
          if (property !== m.itemProperties!.categoryProperty) return { skip: true };
          const cat = f.id(row, k.value);
          if (m.categories && !catLevel.has(cat))
            throw new FieldError(
              k.value,
              `${k.value} must name a category of ${m.categories.file}, but got: ${JSON.stringify(cat)}`,
            );
          const key = `${item}\u0000${ts}`;
          if (seen.has(key))
            throw new FieldError(k.timestamp, `item ${item} has two ${property} values at ${ts}`);
          seen.add(key);
          const prev = itemCategory.get(item);
          if (!prev || prev.ts <= ts) itemCategory.set(item, { cat, ts });
          return { skip: true };
        },
      },
      { ...ctx, checkpointPrefix: `${ctx.checkpointPrefix}:props` },
    );
  }

  // Pass 1 over the events.
  const eventsPath = path.join(dir, ev.file);
  const users = new IdTable();
  const userIds: string[] = [];
  const items = new IdTable();
  const sessionsMapped = new IdTable();
  const sessionNames: string[] = [];
  const rowUser = new Grow(new Int32Array(1 << 16));
  const rowItem = new Grow(new Int32Array(1 << 16));
  const rowType = new Grow(new Int32Array(1 << 16));
  const rowTs = new Grow(new Float64Array(1 << 16));
  const rowSess = new Grow(new Int32Array(1 << 16));
  const eventIds = new IdTable();
  const validate = (row: Record<string, string>) => {
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
  let header: string[] | undefined;
  for await (const it of readCsv(eventsPath)) {
    if (it.kind !== 'row') continue;
    if (!header) {
      header = it.fields;
      continue;
    }
    if (it.fields.length !== header.length) continue;
    const row = Object.fromEntries(header.map((h, i) => [h, it.fields[i]]));
    let v: ReturnType<typeof validate>;
    try {
      v = validate(row);
    } catch (err) {
      if (err instanceof FieldError) continue;
      throw err;
    }
    if (v.eventId !== undefined && eventIds.add(v.eventId) < 0) continue; // a duplicate: rejected in pass 2
    let uo = users.ordinal(v.user);
    if (uo < 0) {
      uo = users.add(v.user);
      userIds.push(v.user);
    }
    let io = items.ordinal(v.item);
    if (io < 0) io = items.add(v.item);
    let so = -1;
    if (v.session !== undefined) {
      so = sessionsMapped.ordinal(v.session);
      if (so < 0) {
        so = sessionsMapped.add(v.session);
        sessionNames.push(v.session);
      }
    }
    rowUser.push(uo);
    rowItem.push(io);
    rowType.push(TYPES.indexOf(v.type));
    rowTs.push(v.ts);
    rowSess.push(so);
  }

  // Sort valid rows by (session or user, ts, item, type): duplicates become neighbours, sessions runs.
  const n = rowUser.n;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const U = rowUser.a;
  const S = rowSess.a;
  const T = rowTs.a;
  const I = rowItem.a;
  const Y = rowType.a;
  const group = c.session ? S : U;
  order.sort((a, b) => group[a] - group[b] || T[a] - T[b] || I[a] - I[b] || Y[a] - Y[b] || a - b);
  const duplicateOf = new Int32Array(n).fill(-1);
  const sessionOf = new Int32Array(n);
  const sessStart: number[] = [];
  const sessEnd: number[] = [];
  const sessUser: number[] = [];
  const sessName: string[] = [];
  const gap = ev.sessionGapMinutes * 60_000;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const p = k > 0 ? order[k - 1] : -1;
    if (!c.eventId && p >= 0 && U[p] === U[i] && T[p] === T[i] && I[p] === I[i] && Y[p] === Y[i]) {
      duplicateOf[i] = duplicateOf[p] >= 0 ? duplicateOf[p] : p;
      sessionOf[i] = sessionOf[p];
      continue;
    }
    const newSession = p < 0 || group[p] !== group[i] || (!c.session && T[i] - T[p] > gap);
    if (newSession) {
      sessStart.push(T[i]);
      sessEnd.push(T[i]);
      sessUser.push(U[i]);
      sessName.push(c.session ? `${ns}:s:${sessionNames[S[i]]}` : `${ns}:s:${userIds[U[i]]}:${T[i]}`);
    }
    const s = sessStart.length - 1;
    sessEnd[s] = Math.max(sessEnd[s], T[i]);
    sessionOf[i] = s;
  }
  // Sequence numbers inside sessions, in sorted order.
  const seqOf = new Int32Array(n);
  for (let k = 0, last = -1, q = 0; k < n; k++) {
    const i = order[k];
    q = sessionOf[i] === last ? q + 1 : 0;
    last = sessionOf[i];
    seqOf[i] = q;
  }

  // Sessions (and their users) before the events, idempotently.
  const SESSIONS = `UNWIND $rows AS r
MERGE (u:User {id: r.u})
MERGE (s:Session {id: r.id}) ON CREATE SET s.eventCount = 0
SET s.userId = r.u, s.startedAt = r.start, s.endedAt = r.end
MERGE (u)-[:HAD_SESSION]->(s)`;
  for (let s0 = 0; s0 < sessStart.length; s0 += ctx.batchSize) {
    const rows = [];
    for (let s = s0; s < Math.min(sessStart.length, s0 + ctx.batchSize); s++)
      rows.push({
        id: sessName[s],
        u: `${ns}:u${userIds[sessUser[s]]}`,
        start: sessStart[s],
        end: sessEnd[s],
      });
    await ctx.graph.write({ name: 'etl.load.eventsCsv.sessions', cypher: SESSIONS }, { rows });
  }

  // Pass 2: the events, through the checkpointed writer.
  const eventCypher = (rel: string, merge: boolean) => `UNWIND $rows AS r
MATCH (u:User {id: r.u})
MERGE (p:Product {id: r.p})
FOREACH (_ IN CASE WHEN r.c IS NULL THEN [] ELSE [1] END |
  MERGE (c:Category {id: r.c}) MERGE (p)-[:IN_CATEGORY]->(c))
${
  merge
    ? `MERGE (u)-[e:${rel} {eventId: r.id}]->(p) SET e.ts = r.ts, e.sessionId = r.s, e.seq = r.seq, e.quantity = r.q, e.price = r.pr`
    : `CREATE (u)-[e:${rel} {eventId: r.id, ts: r.ts, sessionId: r.s, seq: r.seq, quantity: r.q, price: r.pr}]->(p)`
}`;
  const parts = (merge: boolean) => {
    const cy = Object.fromEntries(TYPES.map((t) => [t, eventCypher(REL[t], merge)]));
    return (rows: WriteRow[]) => {
      const byType: Record<string, unknown[]> = { view: [], cart: [], purchase: [] };
      const sessions = new Set<string>();
      for (const r of rows) {
        byType[r.params.type as string].push(r.params);
        sessions.add(r.params.s as string);
      }
      return [
        ...TYPES.map((t) => ({ cypher: cy[t], rows: byType[t] })),
        { cypher: SESSION_COUNTS, rows: [...sessions] },
      ];
    };
  };
  let validIdx = 0;
  let duplicates = 0;
  const lineOfValid = new Int32Array(n);
  const seenEventIds = new IdTable();
  const spec: FileSpec = {
    name: ev.file,
    path: eventsPath,
    columns: [],
    fingerprint: fileFingerprint(eventsPath),
    statements: { name: 'etl.load.eventsCsv.events', create: parts(false), merge: parts(true) },
    validate: (row, line) => {
      const v = validate(row);
      if (v.eventId !== undefined && seenEventIds.add(v.eventId) < 0) {
        duplicates += 1;
        throw new FieldError(
          c.eventId!,
          `${c.eventId} ${JSON.stringify(v.eventId)} is a duplicate of an earlier row`,
        );
      }
      const i = validIdx++;
      lineOfValid[i] = line;
      if (duplicateOf[i] >= 0) {
        duplicates += 1;
        throw new FieldError(
          c.user,
          `a duplicate of line ${lineOfValid[duplicateOf[i]]} (same user, item, event type and timestamp)`,
        );
      }
      const cat = v.category ?? itemCategory.get(v.item)?.cat;
      return {
        type: v.type,
        id:
          v.eventId !== undefined ? `${ns}:e:${v.eventId}` : `${ns}:e:${v.user}:${v.item}:${v.type}:${v.ts}`,
        u: `${ns}:u${v.user}`,
        p: `${ns}:p${v.item}`,
        c: cat === undefined ? null : `${ns}:c${cat}`,
        ts: v.ts,
        s: sessName[sessionOf[i]],
        seq: seqOf[i],
        q: v.quantity,
        pr: v.price,
      };
    },
  };
  files[ev.file] = await loadFile(spec, ctx);

  // Items with a category but no events are still part of the catalogue.
  const links = [...itemCategory.entries()];
  const LINK = `UNWIND $rows AS r
MERGE (p:Product {id: r.p})
MERGE (c:Category {id: r.c})
WITH p, c
OPTIONAL MATCH (p)-[old:IN_CATEGORY]->(c0) WHERE c0 <> c DELETE old
WITH DISTINCT p, c
MERGE (p)-[:IN_CATEGORY]->(c)`;
  for (let k = 0; k < links.length; k += ctx.batchSize) {
    const rows = links
      .slice(k, k + ctx.batchSize)
      .map(([item, { cat }]) => ({ p: `${ns}:p${item}`, c: `${ns}:c${cat}` }));
    await ctx.graph.write({ name: 'etl.load.eventsCsv.itemCategories', cypher: LINK }, { rows });
  }
  return { files, sessions: sessStart.length, duplicates };
}
