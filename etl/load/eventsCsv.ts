// `--format events-csv`: a generic interaction log described by a JSON mapping (mapping.ts), e.g. RetailRocket.
//
// Two passes over the events file, in bounded memory (typed arrays per valid row, no row objects kept):
//  1. validate every row and keep (user, item, type, ts) as ordinals; sort by (user, ts) to find exact duplicates
//     and to derive sessions by an inactivity gap (default 30 min) when the log has no session column;
//     write the sessions (with their users) (eventsCsvSessions.ts).
//  2. stream the file again and load each valid row as an event; rejected rows and duplicates go to quarantine.
// Session ids are `<name>:s:<user>:<first ts>` (derived) or `<name>:s:<session>` (mapped); event ids are
// `<name>:e:<eventId>` (mapped) or `<name>:e:<user>:<item>:<type>:<ts>` (derived), so re-loads are idempotent.
import path from 'node:path';
import type { EventRel } from '../../core';
import { eventBatchStatements } from './eventBatches';
import {
  loadCategories,
  readItemCategories,
  writeItemCategoryLinks,
  type ItemCategories,
} from './eventsCsvCatalogue';
import { eventRowValidator, type EventRow } from './eventsCsvRow';
import { planSessions, scanValidEvents, writeSessions, type SessionPlan } from './eventsCsvSessions';
import { FieldError } from './fields';
import { IdTable } from './idTable';
import { FileSpec, FileSummary, fileFingerprint, loadFile, LoadContext, readHeader } from './loadFile';
import { checkMappingPaths, Mapping, readMapping } from './mapping';

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

export interface EventsCsvResult {
  files: Record<string, FileSummary>;
  sessions: number;
  duplicates: number;
}

export async function loadEventsCsv(dir: string, m: Mapping, ctx: LoadContext): Promise<EventsCsvResult> {
  const files: Record<string, FileSummary> = {};
  // "Now" for the plausibility rules, read once so that both passes and every row meet the same clock.
  const validate = eventRowValidator(m.events, Date.now());

  let catLevel = new Map<string, number>();
  if (m.categories) {
    const categories = await loadCategories(dir, m.name, m.categories, ctx);
    files[m.categories.file] = categories.summary;
    catLevel = categories.catLevel;
  }
  const { summaries, itemCategory } = await readItemCategories(dir, m, catLevel, ctx);
  Object.assign(files, summaries);

  const eventsPath = path.join(dir, m.events.file);
  const valid = await scanValidEvents(eventsPath, validate);
  const plan = planSessions(valid, m);
  await writeSessions(plan, valid.userIds, m.name, ctx);

  const events = eventsFileSpec(eventsPath, m, validate, plan, itemCategory);
  files[m.events.file] = await loadFile(events.spec, ctx);

  await writeItemCategoryLinks(itemCategory, m.name, ctx);
  return { files, sessions: plan.sessions.start.length, duplicates: events.duplicates() };
}

function eventCypher(rel: EventRel, merge: boolean): string {
  return `UNWIND $rows AS r
MATCH (u:User {id: r.u})
MERGE (p:Product {id: r.p})
FOREACH (_ IN CASE WHEN r.c IS NULL THEN [] ELSE [1] END |
  MERGE (c:Category {id: r.c}) MERGE (p)-[:IN_CATEGORY]->(c))
${
  merge
    ? `MERGE (u)-[e:${rel} {eventId: r.id}]->(p) SET e.ts = r.ts, e.sessionId = r.s, e.seq = r.seq, e.quantity = r.q, e.price = r.pr`
    : `CREATE (u)-[e:${rel} {eventId: r.id, ts: r.ts, sessionId: r.s, seq: r.seq, quantity: r.q, price: r.pr}]->(p)`
}`;
}

/**
 * Pass 2: the events file through the checkpointed writer. Valid rows are numbered in file order, as pass 1
 * numbered them, to find each row's session, sequence number and duplicate; repeated event ids and exact
 * duplicates are rejected naming the field (and the line duplicated). `duplicates()` counts both.
 */
function eventsFileSpec(
  eventsPath: string,
  m: Mapping,
  validate: (row: Record<string, string>) => EventRow,
  plan: SessionPlan,
  itemCategory: ItemCategories,
): { spec: FileSpec; duplicates: () => number } {
  const ns = m.name;
  const c = m.events.columns;
  const { duplicateOf, sessionOf, seqOf } = plan;
  let validIdx = 0;
  let duplicates = 0;
  const lineOfValid = new Int32Array(duplicateOf.length);
  const seenEventIds = new IdTable();
  const spec: FileSpec = {
    name: m.events.file,
    path: eventsPath,
    columns: [],
    fingerprint: fileFingerprint(eventsPath),
    statements: {
      name: 'etl.load.eventsCsv.events',
      create: eventBatchStatements((rel) => eventCypher(rel, false)),
      merge: eventBatchStatements((rel) => eventCypher(rel, true)),
    },
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
        s: plan.sessions.name[sessionOf[i]],
        seq: seqOf[i],
        q: v.quantity,
        pr: v.price,
      };
    },
  };
  return { spec, duplicates: () => duplicates };
}
