// The training graph straight out of Neo4j (`--data neo4j`): the same ShopData that readShop builds from a
// generated shop's files, streamed node label by node label and then every event relationship, each row going
// into growable typed columns with its ids interned to dense indices. No row is kept as a JS object: what stays
// per entity is its id string (and the intern map), per event five numbers.
//
// Rows arrive in store order, so after each stream the reader renumbers by a fixed order (training/export/
// order.ts) and hashes the result: the same graph always gives the same ShopData and dataHash, and a graph
// loaded from a shop gives exactly what readShop gives for that shop's files (the integration test proves it).
import crypto from 'node:crypto';
import type { Logger, Progress } from '../../core';
import { buildSplitManifest, boundariesOf, type InteractionColumns, type SplitManifest } from '../../etl';
import type { GraphClient, NamedQuery, StreamedRow } from '../../graph';
import type { ShopData } from '../data/shop';
import { forgottenUsersOf } from './forgotten';
import { orderEvents, readEvents } from './neo4jShopEvents';
import { readBrands, readCategories, readProducts, readSessions, readUsers } from './neo4jShopNodes';

export interface Neo4jShopOptions {
  /** '' for the synthetic shop's un-prefixed ids; a data set name keeps only ids `<name>:...`. */
  namespace: string;
  /** The persisted split (etl/split): its window and policy decide what training may see. */
  split: SplitManifest;
  logger: Logger;
  progress?: (label: string, total: number) => Progress;
}

export async function readShopFromNeo4j(graph: GraphClient, opts: Neo4jShopOptions): Promise<ShopData> {
  const t0 = Date.now();
  const prefix = opts.namespace === '' ? '' : `${opts.namespace}:`;
  const where = prefix === '' ? "ids without ':' (the synthetic shop)" : `ids starting with '${prefix}'`;
  const stream = (q: NamedQuery, sink: { start(): void; row(r: StreamedRow): void }) =>
    graph.stream(q, { prefix }, sink);

  const { numbered: cat, categoryIds, categoryParent } = await readCategories(stream);
  const { numbered: brand, brandIds, brandTier } = await readBrands(stream);
  const { numbered: item, items } = await readProducts(stream, cat, brand, where);
  const forgotten = await forgottenUsersOf(graph);
  const { numbered: user, userColumns } = await readUsers(stream, forgotten, where, opts.logger);
  const { sessions, sStart, sessionNodes } = await readSessions(stream);
  const streamed = await readEvents(
    graph,
    stream,
    { users: user, products: item, forgotten },
    { sessions, sStart, sessionNodes },
    where,
    opts,
  );
  const events = orderEvents(streamed, sessions, sStart.toArray(), sessionNodes);

  const userIds = Array.from(user.order, (i) => user.interned.ids[i]);
  const itemIds = Array.from(item.order, (i) => item.interned.ids[i]);
  const window = {
    start: Date.parse(opts.split.boundaries.start),
    end: Date.parse(opts.split.boundaries.end),
  };
  const manifest = recomputeSplit(
    {
      n: events.n,
      ts: events.ts,
      user: events.user,
      product: events.item,
      userIds,
      productIds: itemIds,
      productLaunch: items.launch,
      window,
    },
    opts,
  );

  const hash = crypto.createHash('sha256');
  for (const ids of [userIds, itemIds, categoryIds, brandIds]) hash.update(ids.join('\n')).update('\u0001');
  for (const a of [
    events.user,
    events.item,
    events.type,
    events.ts,
    events.session,
    items.category,
    items.brand,
    items.price,
    items.launch,
    userColumns.birthYear,
    userColumns.region,
    userColumns.loyalty,
    categoryParent,
    brandTier,
  ])
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  hash.update(JSON.stringify({ policy: opts.split.policy, boundaries: opts.split.boundaries }));

  opts.logger.info(
    {
      users: userIds.length,
      items: itemIds.length,
      events: events.n,
      sessions: sessions.size,
      categories: categoryIds.length,
      brands: brandIds.length,
      seconds: (Date.now() - t0) / 1000,
    },
    'graph exported',
  );
  return {
    name: prefix === '' ? 'neo4j' : `neo4j:${opts.namespace}`,
    dir: `neo4j:${graph.database}`,
    dataHash: hash.digest('hex'),
    nUsers: userIds.length,
    nItems: itemIds.length,
    userIds,
    itemIds,
    events,
    items,
    users: userColumns,
    categoryIds,
    categoryParent,
    brandIds,
    brandTier,
    manifest,
    bounds: boundariesOf(manifest),
    refYear: new Date(window.end).getUTCFullYear(),
    exportedAt: t0,
  };
}

/**
 * The split recomputed over what the graph holds now, on the persisted window and policy: same boundaries, so the
 * same visibility; a different id means the graph changed since the split was written (new events, another shop).
 */
function recomputeSplit(cols: InteractionColumns, opts: Neo4jShopOptions): SplitManifest {
  const manifest = buildSplitManifest(cols, opts.split.policy);
  if (manifest.id !== opts.split.id)
    opts.logger.warn(
      {
        split: opts.split.id,
        recomputed: manifest.id,
        counts: manifest.counts,
        persisted: opts.split.counts,
      },
      'the graph differs from the data the split was computed on; its boundaries are used as they are',
    );
  return manifest;
}
