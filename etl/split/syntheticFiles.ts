// Interactions straight from a synthetic shop directory (docs/data-format.md), for splitting a data set before
// or without loading it. events.csv has no quoted fields, so its lines are cut by hand; products.csv has quoted
// descriptions and goes through csv-parse. Ids there are dense (`u123`), so the number is the row index.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { validationError } from '../../core';
import { EVENT_TYPES, InteractionColumns } from './manifest';

interface ShopManifest {
  counts: { users: number; products: number; events: number };
  window: { start: string; end: string };
}

export async function readSyntheticInteractions(dir: string): Promise<InteractionColumns> {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile))
    throw validationError('not a synthetic shop directory (no manifest.json)', { file: manifestFile });
  const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as ShopManifest;
  const nEvents = m.counts.events;
  const cols: InteractionColumns = {
    n: 0,
    ts: new Float64Array(nEvents),
    user: new Int32Array(nEvents),
    product: new Int32Array(nEvents),
    userIds: Array.from({ length: m.counts.users }, (_, i) => `u${i}`),
    productIds: Array.from({ length: m.counts.products }, (_, i) => `p${i}`),
    productLaunch: new Float64Array(m.counts.products).fill(NaN),
    window: { start: Date.parse(m.window.start), end: Date.parse(m.window.end) },
    eventType: new Uint8Array(nEvents),
    productPrice: new Float32Array(m.counts.products),
    productCategory: new Int32Array(m.counts.products),
    categoryIds: [],
  };
  const categoryIndex = new Map<string, number>();

  const productsFile = path.join(dir, 'products.csv');
  const products = fs.createReadStream(productsFile).pipe(parse({ columns: true }));
  for await (const row of products as AsyncIterable<Record<string, string>>) {
    const p = denseIndex(row.product_id, 'p', productsFile);
    cols.productLaunch[p] = Date.parse(row.launched_at);
    cols.productPrice![p] = Number(row.price);
    let c = categoryIndex.get(row.category_id);
    if (c === undefined) {
      c = cols.categoryIds!.length;
      categoryIndex.set(row.category_id, c);
      cols.categoryIds!.push(row.category_id);
    }
    cols.productCategory![p] = c;
  }

  const eventsFile = path.join(dir, 'events.csv');
  const lines = readline.createInterface({ input: fs.createReadStream(eventsFile), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (lineNo === 1 || line.length === 0) continue;
    // event_id,session_id,user_id,product_id,event_type,ts,...
    const f = line.split(',', 6);
    const i = cols.n++;
    if (i >= nEvents)
      throw validationError(`more events than the manifest's ${nEvents}`, { file: eventsFile, line: lineNo });
    cols.user[i] = denseIndex(f[2], 'u', eventsFile, lineNo);
    cols.product[i] = denseIndex(f[3], 'p', eventsFile, lineNo);
    cols.ts[i] = Date.parse(f[5]);
    const type = EVENT_TYPES.indexOf(f[4] as (typeof EVENT_TYPES)[number]);
    if (type < 0)
      throw validationError(
        `event_type must be one of view, cart, purchase, but got: ${JSON.stringify(f[4])}`,
        { file: eventsFile, line: lineNo, field: 'event_type' },
      );
    cols.eventType![i] = type;
    if (Number.isNaN(cols.ts[i]))
      throw validationError(`ts must be an ISO timestamp, but got: ${JSON.stringify(f[5])}`, {
        file: eventsFile,
        line: lineNo,
        field: 'ts',
      });
  }
  return cols;
}

function denseIndex(id: string, prefix: string, file: string, line?: number): number {
  const n = Number(id.slice(1));
  if (id[0] !== prefix || !Number.isInteger(n) || n < 0) {
    throw validationError(`expected an id like ${prefix}123, but got: ${JSON.stringify(id)}`, { file, line });
  }
  return n;
}
