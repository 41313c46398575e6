// Season-aware popularity: the cold fallback and `trending`. A window's score is the weighted event count in
// the window ending at the anchor, plus half the count of the same window one year earlier (last December
// predicts this December), plus a boost for categories whose season matches the anchor's month.
// Results are cached in memory per (window, anchor day): popularity moves slowly and the query scans a range.
import type { Logger } from '../../core';
import type { GraphClient } from '../../graph';
import type { Catalog } from '../catalog';
import { LATEST_EVENT, POPULAR_IN_WINDOW } from './queries';

export type TrendWindow = 'DAY' | 'WEEK' | 'MONTH';
export const WINDOW_MS: Record<TrendWindow, number> = {
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
  MONTH: 30 * 86_400_000,
};
const YEAR_MS = 365 * 86_400_000;

export interface PopularItem {
  productId: string;
  score: number;
}

/** The season a month (0-11, UTC) belongs to, in the generator's vocabulary (docs/data-format.md). */
export function seasonOfMonth(month: number): string[] {
  if (month === 11 || month === 10) return ['december_gifts', 'winter'];
  if (month <= 1) return ['winter'];
  if (month >= 5 && month <= 7) return month === 7 ? ['summer', 'back_to_school'] : ['summer'];
  if (month === 8) return ['back_to_school'];
  return [];
}

export interface Popularity {
  top(window: TrendWindow, anchor: number): Promise<PopularItem[]>;
  /** The anchor actually used: min(requested, latest event in the graph). */
  anchorFor(ts: number): Promise<number>;
  /** The last computed list, even if stale (served while Neo4j is down). */
  lastKnown(): PopularItem[];
}

export function createPopularity(graph: GraphClient, catalog: Catalog, logger: Logger): Popularity {
  const cache = new Map<string, { at: number; items: Promise<PopularItem[]> }>();
  let latest: { at: number; ts: number | null } | undefined;
  let last: PopularItem[] = [];

  async function anchorFor(ts: number): Promise<number> {
    if (!latest || Date.now() - latest.at > 600_000) {
      const rows = await graph.read<{ ts: number }>(LATEST_EVENT);
      latest = { at: Date.now(), ts: rows[0]?.ts ?? null };
    }
    return latest.ts !== null && latest.ts < ts ? latest.ts + 1 : ts;
  }

  async function compute(window: TrendWindow, anchor: number): Promise<PopularItem[]> {
    const span = WINDOW_MS[window];
    const params = (to: number) => ({ from: to - span, to, limit: 2000 });
    const [now, lastYear] = await Promise.all([
      graph.read<{ productId: string; w: number }>(POPULAR_IN_WINDOW, params(anchor)),
      graph.read<{ productId: string; w: number }>(POPULAR_IN_WINDOW, params(anchor - YEAR_MS)),
    ]);
    const seasons = seasonOfMonth(new Date(anchor).getUTCMonth());
    const score = new Map<string, number>();
    for (const r of now) score.set(r.productId, (score.get(r.productId) ?? 0) + r.w);
    for (const r of lastYear) score.set(r.productId, (score.get(r.productId) ?? 0) + 0.5 * r.w);
    const items = [...score.entries()].map(([productId, s]) => {
      const leaf = catalog.get(productId)?.categoryId;
      const season = leaf ? catalog.category(leaf)?.season : null;
      return { productId, score: season && seasons.includes(season) ? s * 1.5 : s };
    });
    items.sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1));
    return items;
  }

  return {
    anchorFor,
    lastKnown: () => last,
    async top(window, anchor) {
      const day = Math.floor(anchor / 86_400_000);
      const key = `${window}:${day}`;
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < 600_000) return hit.items;
      const items = compute(window, anchor);
      cache.set(key, { at: Date.now(), items });
      try {
        const out = await items;
        if (window === 'WEEK') last = out;
        return out;
      } catch (err) {
        cache.delete(key);
        logger.warn({ err: (err as Error).message }, 'popularity query failed');
        throw err;
      }
    },
  };
}
