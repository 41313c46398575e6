// The event stream of the graph export (neo4jShop.ts): every VIEWED, ADDED_TO_CART and PURCHASED relationship,
// numbered by the final user and item order, then put in the fixed event order (order.ts).
import { EVENT_RELS, notFound, validationError } from '../../core';
import type { Logger, Progress } from '../../core';
import { toNumber, type GraphClient } from '../../graph';
import type { ForgottenUsers } from '../../privacy';
import type { Interner, GrowableArray } from './growable';
import { growFloat64, growInt32, growUint8 } from './growable';
import type { ExportStream, Numbered } from './neo4jShopNodes';
import { str } from './neo4jShopNodes';
import { eventOrder, sessionOrder } from './order';
import { permute } from './permute';
import { COUNT_EVENTS, EXPORT_EVENTS } from './queries';

/** Relationship type -> ShopData event type (0 view, 1 cart, 2 purchase). */
const EVENT_TYPE: Record<string, number> = Object.fromEntries(EVENT_RELS.map((rel, type) => [rel, type]));
const PROGRESS_EVERY = 10_000;

/** The events in stream order; sessions by stream order too (session nodes first, then those events add). */
export interface StreamedEvents {
  n: number;
  user: Int32Array;
  item: Int32Array;
  type: Uint8Array;
  ts: Float64Array;
  session: Int32Array;
  seq: Float64Array;
}

/**
 * Streams the events, reporting progress against COUNT_EVENTS. An event whose user or product was created after
 * its label was streamed is left out (and counted in a warning); `sessions`/`sStart` grow by the sessions that
 * only events name.
 */
export async function readEvents(
  graph: GraphClient,
  stream: ExportStream,
  ends: { users: Numbered; products: Numbered; forgotten: ForgottenUsers },
  sessionsSoFar: { sessions: Interner; sStart: GrowableArray<Float64Array>; sessionNodes: number },
  where: string,
  opts: { logger: Logger; progress?: (label: string, total: number) => Progress },
): Promise<StreamedEvents> {
  const { users, products, forgotten } = ends;
  const { sessions, sStart, sessionNodes } = sessionsSoFar;
  const eUser = growInt32();
  const eItem = growInt32();
  const eType = growUint8();
  const eTs = growFloat64();
  const eSession = growInt32();
  const eSeq = growFloat64();
  let unknownEnds = 0;
  const [{ n: totalHint }] = await graph.read<{ n: number }>(COUNT_EVENTS);
  const progress = opts.progress?.('export events', Number(totalHint) || 1);
  const tEvents = Date.now();
  try {
    await stream(EXPORT_EVENTS, {
      start: () => {
        for (const c of [eUser, eItem, eType, eTs, eSession, eSeq]) c.clear();
        sessions.truncate(sessionNodes);
        sStart.truncate(sessionNodes);
        unknownEnds = 0;
      },
      row: (r) => {
        if (forgotten.has(r.get(0) as string)) return;
        const u = users.interned.find(r.get(0) as string);
        const p = products.interned.find(r.get(1) as string);
        // A user or product created after its label was streamed (the API writes while we read): its events
        // wait for the next export rather than pointing at a row that does not exist.
        if (u < 0 || p < 0) {
          unknownEnds++;
          return;
        }
        const ts = toNumber(r.get(3));
        if (Number.isNaN(ts))
          throw validationError(
            `an event of user ${String(r.get(0))} on product ${String(r.get(1))} has no ts (epoch ms)`,
            { field: 'data' },
          );
        // An event without a session node (or without a sessionId) gets a session of its own id, or one per
        // user, whose start is its first event (set in orderEvents).
        const sid = str(r.get(4)) ?? `\u0000no-session:${String(r.get(0))}`;
        const before = sessions.size;
        const s = sessions.add(sid);
        if (s === before) sStart.push(NaN);
        eUser.push(users.rank[u]);
        eItem.push(products.rank[p]);
        eType.push(EVENT_TYPE[r.get(2) as string]);
        eTs.push(ts);
        eSession.push(s);
        const seq = toNumber(r.get(5));
        eSeq.push(Number.isNaN(seq) ? 0 : seq);
        if (eTs.length % PROGRESS_EVERY === 0)
          progress?.update(eTs.length, {
            rowsPerSecond: Math.round(eTs.length / Math.max(0.001, (Date.now() - tEvents) / 1000)),
          });
      },
    });
    progress?.update(eTs.length);
  } finally {
    progress?.stop();
  }
  const n = eTs.length;
  if (n === 0)
    throw notFound(
      `the graph holds no VIEWED, ADDED_TO_CART or PURCHASED events between ${where}: load a shop first (graphrec etl load)`,
      { field: 'data' },
    );
  if (unknownEnds > 0)
    opts.logger.warn(
      { events: unknownEnds },
      'events of users or products created during the export left out',
    );
  return {
    n,
    user: eUser.toArray(),
    item: eItem.toArray(),
    type: eType.toArray(),
    ts: eTs.toArray(),
    session: eSession.toArray(),
    seq: eSeq.toArray(),
  };
}

/**
 * Numbers the sessions by a fixed order (an event-only session starts at its first event) and sorts the events
 * by the fixed event order, so the same graph always gives the same columns.
 */
export function orderEvents(
  e: StreamedEvents,
  sessions: Interner,
  sStart: Float64Array,
  sessionNodes: number,
) {
  const { n, ts } = e;
  const sessionOf = e.session;
  const start = sStart;
  for (let k = 0; k < n; k++) {
    const s = sessionOf[k];
    if (s >= sessionNodes && !(start[s] <= ts[k])) start[s] = ts[k];
  }
  const session = sessionOrder(sessions.ids, start);
  for (let k = 0; k < n; k++) sessionOf[k] = session.rank[sessionOf[k]];
  const keys = { session: sessionOf, seq: e.seq, ts, item: e.item, type: e.type, user: e.user };
  const order = eventOrder(keys, sessions.size);
  return {
    n,
    user: permute(keys.user, order),
    item: permute(keys.item, order),
    type: permute(keys.type, order),
    ts: permute(keys.ts, order),
    session: permute(keys.session, order),
  };
}
