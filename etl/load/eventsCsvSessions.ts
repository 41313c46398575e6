// Pass 1 of the events-csv loader (eventsCsv.ts): every valid row kept as ordinals in typed arrays (bounded
// memory, no row objects), sorted by (session or user, ts, item, type) so that exact duplicates become neighbours
// and sessions become runs; then the sessions (with their users) are written before any event.
import { EVENT_TYPES } from '../../core';
import { readCsv } from './csvReader';
import { FieldError } from './fields';
import type { EventRow } from './eventsCsvRow';
import { IdTable } from './idTable';
import type { LoadContext } from './loadFile';
import type { Mapping } from './mapping';

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

/** The valid rows of the events file in file order, as ordinals into `userIds` / `sessionNames`. */
export interface ValidEvents {
  n: number;
  user: Int32Array;
  item: Int32Array;
  type: Int32Array;
  ts: Float64Array;
  /** The mapped session's ordinal, -1 without a session column. */
  session: Int32Array;
  userIds: string[];
  sessionNames: string[];
}

/**
 * Reads the events file once and keeps the rows that `validate` accepts; rows it rejects, rows of the wrong
 * width and repeated event ids are skipped here (pass 2 rejects them, naming the line).
 */
export async function scanValidEvents(
  eventsPath: string,
  validate: (row: Record<string, string>) => EventRow,
): Promise<ValidEvents> {
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
  let header: string[] | undefined;
  for await (const it of readCsv(eventsPath)) {
    if (it.kind !== 'row') continue;
    if (!header) {
      header = it.fields;
      continue;
    }
    if (it.fields.length !== header.length) continue;
    const row = Object.fromEntries(header.map((h, i) => [h, it.fields[i]]));
    let v: EventRow;
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
    rowType.push(EVENT_TYPES.indexOf(v.type));
    rowTs.push(v.ts);
    rowSess.push(so);
  }
  return {
    n: rowUser.n,
    user: rowUser.a,
    item: rowItem.a,
    type: rowType.a,
    ts: rowTs.a,
    session: rowSess.a,
    userIds,
    sessionNames,
  };
}

/** Per valid row (by its index in file order): its duplicate, session and sequence number; and the sessions. */
export interface SessionPlan {
  /** The first valid row this one duplicates (same user, item, type and ts), or -1. */
  duplicateOf: Int32Array;
  sessionOf: Int32Array;
  seqOf: Int32Array;
  sessions: { name: string[]; start: number[]; end: number[]; user: number[] };
}

/**
 * Sessions are the mapped session column's values, or else derived per user by an inactivity gap; exact
 * duplicates are only looked for when the log has no event id column.
 */
export function planSessions(v: ValidEvents, m: Mapping): SessionPlan {
  const ns = m.name;
  const c = m.events.columns;
  const n = v.n;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const U = v.user;
  const S = v.session;
  const T = v.ts;
  const I = v.item;
  const Y = v.type;
  const group = c.session ? S : U;
  order.sort((a, b) => group[a] - group[b] || T[a] - T[b] || I[a] - I[b] || Y[a] - Y[b] || a - b);
  const duplicateOf = new Int32Array(n).fill(-1);
  const sessionOf = new Int32Array(n);
  const sessStart: number[] = [];
  const sessEnd: number[] = [];
  const sessUser: number[] = [];
  const sessName: string[] = [];
  const gap = m.events.sessionGapMinutes * 60_000;
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
      sessName.push(c.session ? `${ns}:s:${v.sessionNames[S[i]]}` : `${ns}:s:${v.userIds[U[i]]}:${T[i]}`);
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
  return {
    duplicateOf,
    sessionOf,
    seqOf,
    sessions: { name: sessName, start: sessStart, end: sessEnd, user: sessUser },
  };
}

const SESSIONS = `UNWIND $rows AS r
MERGE (u:User {id: r.u})
MERGE (s:Session {id: r.id}) ON CREATE SET s.eventCount = 0
SET s.userId = r.u, s.startedAt = r.start, s.endedAt = r.end
MERGE (u)-[:HAD_SESSION]->(s)`;

/** The sessions (and their users), idempotently, so that the events can MATCH their user. */
export async function writeSessions(
  plan: SessionPlan,
  userIds: string[],
  ns: string,
  ctx: LoadContext,
): Promise<void> {
  const { name, start, end, user } = plan.sessions;
  for (let s0 = 0; s0 < start.length; s0 += ctx.batchSize) {
    const rows = [];
    for (let s = s0; s < Math.min(start.length, s0 + ctx.batchSize); s++)
      rows.push({ id: name[s], u: `${ns}:u${userIds[user[s]]}`, start: start[s], end: end[s] });
    await ctx.graph.write({ name: 'etl.load.eventsCsv.sessions', cypher: SESSIONS }, { rows });
  }
}
