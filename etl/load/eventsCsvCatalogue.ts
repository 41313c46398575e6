// The catalogue side of an events-csv load (eventsCsv.ts): the optional category tree and the item-properties
// files, which give items their (latest) category.
import path from 'node:path';
import { readCsv } from './csvReader';
import * as f from './fields';
import { FieldError } from './fields';
import { parseTs } from './eventsCsvRow';
import { IdTable } from './idTable';
import { FileSummary, fileFingerprint, loadFile, LoadContext } from './loadFile';
import type { Mapping } from './mapping';

type Categories = NonNullable<Mapping['categories']>;

/** The category tree: each id's parent (null at a root). */
export async function readCategoryParents(
  dir: string,
  cats: Categories,
): Promise<Map<string, string | null>> {
  const cc = cats.columns;
  const parentOf = new Map<string, string | null>();
  let header: string[] | undefined;
  for await (const item of readCsv(path.join(dir, cats.file))) {
    if (item.kind !== 'row') continue;
    if (!header) {
      header = item.fields;
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, item.fields[i] ?? '']));
    if (row[cc.id] && !parentOf.has(row[cc.id])) parentOf.set(row[cc.id], row[cc.parent] || null);
  }
  return parentOf;
}

/** Each category's level (1 at a root); NaN for one in a cycle or below an unknown ancestor. */
export function categoryLevels(parentOf: Map<string, string | null>): Map<string, number> {
  const depth = (id: string): number => {
    let d = 1;
    let cur = parentOf.get(id);
    while (cur) {
      if (++d > 64 || !parentOf.has(cur)) return NaN; // a cycle or an unknown ancestor
      cur = parentOf.get(cur);
    }
    return d;
  };
  const catLevel = new Map<string, number>();
  for (const id of parentOf.keys()) catLevel.set(id, depth(id));
  return catLevel;
}

const MERGE_CATS = `UNWIND $rows AS r
MERGE (c:Category {id: r.id}) SET c.level = r.level, c.name = coalesce(c.name, r.name)
WITH c, r WHERE r.parent IS NOT NULL
MERGE (p:Category {id: r.parent})
MERGE (c)-[:CHILD_OF]->(p)`;

/**
 * Reads the (small) tree first, since parents may come after their children, then loads it row by row.
 * Returns the levels, which the item-properties files check their categories against.
 */
export async function loadCategories(
  dir: string,
  ns: string,
  cats: Categories,
  ctx: LoadContext,
): Promise<{ summary: FileSummary; catLevel: Map<string, number> }> {
  const cc = cats.columns;
  const raw = path.join(dir, cats.file);
  const parentOf = await readCategoryParents(dir, cats);
  const catLevel = categoryLevels(parentOf);
  const seen = new IdTable();
  const summary = await loadFile(
    {
      name: cats.file,
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
  return { summary, catLevel };
}

/** An item's category: the value of its latest category property. */
export type ItemCategories = Map<string, { cat: string; ts: number }>;

/**
 * Reads the item-properties files (checkpointed under `:props`), keeping the latest category per item; nothing is
 * written per row, the links are written once by writeItemCategoryLinks after the events.
 */
export async function readItemCategories(
  dir: string,
  m: Mapping,
  catLevel: Map<string, number>,
  ctx: LoadContext,
): Promise<{ summaries: Record<string, FileSummary>; itemCategory: ItemCategories }> {
  const summaries: Record<string, FileSummary> = {};
  const itemCategory: ItemCategories = new Map();
  for (const file of m.itemProperties?.files ?? []) {
    const k = m.itemProperties!.columns;
    const p = path.join(dir, file);
    const seen = new Set<string>();
    summaries[file] = await loadFile(
      {
        name: file,
        path: p,
        columns: [k.item, k.property, k.value, k.timestamp],
        fingerprint: fileFingerprint(p),
        statements: { name: 'etl.load.eventsCsv.itemProperties', create: 'RETURN 1', merge: 'RETURN 1' },
        validate: (row) => {
          const item = f.id(row, k.item);
          const property = f.text(row, k.property, false, 256)!;
          const ts = parseTs(row, k.timestamp, m.events.timestamp);
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
  return { summaries, itemCategory };
}

const LINK = `UNWIND $rows AS r
MERGE (p:Product {id: r.p})
MERGE (c:Category {id: r.c})
WITH p, c
OPTIONAL MATCH (p)-[old:IN_CATEGORY]->(c0) WHERE c0 <> c DELETE old
WITH DISTINCT p, c
MERGE (p)-[:IN_CATEGORY]->(c)`;

/** Every item's latest category, so that items with a category but no events are still in the catalogue. */
export async function writeItemCategoryLinks(
  itemCategory: ItemCategories,
  ns: string,
  ctx: LoadContext,
): Promise<void> {
  const links = [...itemCategory.entries()];
  for (let k = 0; k < links.length; k += ctx.batchSize) {
    const rows = links
      .slice(k, k + ctx.batchSize)
      .map(([item, { cat }]) => ({ p: `${ns}:p${item}`, c: `${ns}:c${cat}` }));
    await ctx.graph.write({ name: 'etl.load.eventsCsv.itemCategories', cypher: LINK }, { rows });
  }
}
