// The path anonymous sessions took before the session model: the trained ranker (lightgcn-meta + transitions
// + co-visitation + trending + seasonal) of a stored version, with the query vector the API builds for a
// shopper without a trained row (the mean unit row of the session's latest products, api/recs/recommend.ts
// `queryVector`) and the session's latest items as its recent items. The version's embeddings and weights are
// used as stored; its counting tables are rebuilt from the events before the test window (the stored ones
// hold every event, the test window included), as `graphrec eval` does.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core';
import { rankScores, readEmbeddingsFile, type RankerWeights } from '../../model';
import { buildContextTables, type SessionCase, type ShopData } from '../../training';

/** How many of the latest products make the API's query vector (recommend.ts: seedList.slice(0, 10)). */
const QUERY_ITEMS = 10;

export function rankerSessionScorer(
  shop: ShopData,
  versionDir: string,
  cutoff: number,
  logger: Logger,
): ((c: SessionCase) => Float32Array) | undefined {
  const rankerFile = path.join(versionDir, 'ranker.json');
  if (!fs.existsSync(rankerFile)) {
    logger.warn({ versionDir }, 'no ranker.json: the ranker row is left out');
    return undefined;
  }
  const ranker = JSON.parse(fs.readFileSync(rankerFile, 'utf8')) as {
    weights?: RankerWeights | null;
    recentItems?: number;
  };
  const ids = JSON.parse(fs.readFileSync(path.join(versionDir, 'ids.json'), 'utf8')) as { items: string[] };
  if (
    !ranker.weights ||
    ids.items.length !== shop.nItems ||
    ids.items.some((id, i) => id !== shop.itemIds[i])
  ) {
    logger.warn(
      { versionDir },
      'the version has no weights or other items than the shop: the ranker row is left out',
    );
    return undefined;
  }
  const weights = ranker.weights;
  const recentItems = ranker.recentItems ?? 5;
  const e = readEmbeddingsFile(path.join(versionDir, 'embeddings.bin'));
  const d = e.dims;
  const norms = new Float32Array(shop.nItems);
  for (let i = 0; i < shop.nItems; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += e.items[i * d + k] ** 2;
    norms[i] = Math.sqrt(s);
  }
  const t = buildContextTables(shop, cutoff);
  let popMax = 0;
  for (const x of t.popularity) popMax = Math.max(popMax, x);
  const tables = { ...t, itemCategory: shop.items.category };
  const gnn = new Float32Array(shop.nItems);
  return (c) => {
    const newestFirst: number[] = [];
    for (let k = c.prefix.length - 1; k >= 0; k--)
      if (!newestFirst.includes(c.prefix[k])) newestFirst.push(c.prefix[k]);
    const q = new Float32Array(d);
    let n = 0;
    for (const r of newestFirst.slice(0, QUERY_ITEMS)) {
      if (!(norms[r] > 0)) continue;
      for (let k = 0; k < d; k++) q[k] += e.items[r * d + k] / norms[r];
      n++;
    }
    let qn = 0;
    for (let k = 0; k < d; k++) qn += (q[k] / Math.max(1, n)) ** 2;
    qn = Math.sqrt(qn);
    for (let i = 0; i < shop.nItems; i++) {
      let s = 0;
      if (qn > 0) for (let k = 0; k < d; k++) s += (e.items[i * d + k] * q[k]) / Math.max(1, n);
      gnn[i] = (qn > 0 ? s / qn : 0) + (popMax > 0 ? (1e-3 * t.popularity[i]) / popMax : 0);
    }
    const recent = c.prefix.slice(-recentItems);
    return rankScores(tables, weights, { gnn, recent, at: c.at }, new Float32Array(shop.nItems));
  };
}
