// Data drift between the training window and the latest window of a shop's events: PSI of the event-type mix,
// the category distribution (level-1 categories, and the seasonal groups the generator plants), the price of
// interacted products (deciles of the training window) and user activity (events per active user).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { EVENT_TYPES, validationError } from '../core';
import type { InteractionColumns } from '../etl';
import { edgeLabels, histogram, psi, psiLevel, quantileEdges, type DriftLevel, type PsiResult } from './psi';

export interface Window {
  start: number;
  end: number;
}

export interface FeatureDrift extends PsiResult {
  feature: string;
  level: DriftLevel;
  threshold: number;
  alert: boolean;
  /** Bins whose share moved by at least SHARE_SHIFT either way (and hold at least 1 % on one side): a small
   * group doubling barely moves PSI, so this is reported next to it. */
  shifted: Array<{ label: string; expected: number; actual: number; ratio: number }>;
}

export const SHARE_SHIFT = 1.5;

export interface DataDrift {
  training: { start: string; end: string; events: number };
  latest: { start: string; end: string; events: number };
  features: FeatureDrift[];
}

export interface CategoryInfo {
  /** Level-1 ancestor name per category id. */
  top: Map<string, string>;
  /** Season per category id (inherited). */
  season: Map<string, string>;
}

export const DEFAULT_PSI_THRESHOLD = 0.2;

export interface CategoryRow {
  id: string;
  name: string;
  parentId: string | null;
  season: string | null;
}

/** Each category's level-1 ancestor (`<id> <name>`) and its season, inherited from the nearest ancestor that
 * has one ('none' when none has). Rows may come in any order. */
export function categoryInfo(rows: CategoryRow[]): CategoryInfo {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const top = new Map<string, string>();
  const season = new Map<string, string>();
  const seasonOf = (id: string, depth = 0): string => {
    const known = season.get(id);
    if (known !== undefined) return known;
    const r = byId.get(id);
    const own = r?.season && r.season !== 'none' ? r.season : null;
    // depth guards a cycle in bad data (the loader rejects them; the graph may hold anything).
    const s = own ?? (r?.parentId && depth < 64 ? seasonOf(r.parentId, depth + 1) : 'none');
    season.set(id, s);
    return s;
  };
  for (const r of rows) {
    let c = r;
    for (let d = 0; c.parentId && byId.has(c.parentId) && d < 64; d++) c = byId.get(c.parentId)!;
    top.set(r.id, `${c.id} ${c.name}`);
    seasonOf(r.id);
  }
  return { top, season };
}

/** categories.csv of a generated shop. */
export function readCategories(shopDir: string): CategoryInfo {
  const file = path.join(shopDir, 'categories.csv');
  if (!fs.existsSync(file)) throw validationError('no categories.csv in the shop directory', { file });
  const rows = parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true }) as Array<
    Record<string, string>
  >;
  return categoryInfo(
    rows.map((r, i) => {
      if (!r.category_id)
        throw validationError('category_id is empty', { file, line: i + 2, field: 'category_id' });
      return { id: r.category_id, name: r.name, parentId: r.parent_id || null, season: r.season || null };
    }),
  );
}

function inWindow(ts: number, w: Window) {
  return ts >= w.start && ts < w.end;
}

function countBy(
  cols: InteractionColumns,
  w: Window,
  key: (i: number) => string,
  labels: string[],
): number[] {
  const idx = new Map(labels.map((l, i) => [l, i]));
  const counts = new Array<number>(labels.length).fill(0);
  for (let i = 0; i < cols.n; i++) {
    if (!inWindow(cols.ts[i], w)) continue;
    const j = idx.get(key(i));
    if (j !== undefined) counts[j]++;
  }
  return counts;
}

export function dataDrift(
  cols: InteractionColumns,
  cats: CategoryInfo,
  training: Window,
  latest: Window,
  threshold = DEFAULT_PSI_THRESHOLD,
): DataDrift {
  if (!cols.eventType || !cols.productCategory || !cols.categoryIds || !cols.productPrice)
    throw validationError('the interactions carry no event types, categories or prices; drift needs them');
  const { eventType, productCategory, categoryIds, productPrice } = cols;
  const count = (w: Window) => {
    let n = 0;
    for (let i = 0; i < cols.n; i++) if (inWindow(cols.ts[i], w)) n++;
    return n;
  };
  const feature = (name: string, r: PsiResult): FeatureDrift => ({
    feature: name,
    ...r,
    level: psiLevel(r.psi),
    threshold,
    alert: r.psi > threshold,
    shifted: r.bins
      .filter((b) => Math.max(b.expected, b.actual) >= 0.01)
      .map((b) => ({
        label: b.label,
        expected: b.expected,
        actual: b.actual,
        ratio: b.actual / Math.max(b.expected, 1e-9),
      }))
      .filter((b) => b.ratio >= SHARE_SHIFT || b.ratio <= 1 / SHARE_SHIFT),
  });
  const categorical = (name: string, key: (i: number) => string) => {
    const labels = new Set<string>();
    for (let i = 0; i < cols.n; i++)
      if (inWindow(cols.ts[i], training) || inWindow(cols.ts[i], latest)) labels.add(key(i));
    const l = [...labels].sort();
    return feature(name, psi(countBy(cols, training, key, l), countBy(cols, latest, key, l), l));
  };
  const catOf = (i: number) => categoryIds[productCategory[cols.product[i]]];
  const types: readonly string[] = EVENT_TYPES;

  const prices = (w: Window) => {
    const out: number[] = [];
    for (let i = 0; i < cols.n; i++) if (inWindow(cols.ts[i], w)) out.push(productPrice[cols.product[i]]);
    return out;
  };
  const trainPrices = prices(training);
  const priceEdges = quantileEdges(trainPrices, 10);
  // Events per active user-week (weeks from the window start): comparable across windows of any length.
  const activity = (w: Window) => {
    const per = new Map<number, number>();
    for (let i = 0; i < cols.n; i++)
      if (inWindow(cols.ts[i], w)) {
        const k = cols.user[i] * 10_000 + Math.floor((cols.ts[i] - w.start) / (7 * 86_400_000));
        per.set(k, (per.get(k) ?? 0) + 1);
      }
    return [...per.values()];
  };
  const trainActivity = activity(training);
  const actEdges = quantileEdges(trainActivity, 10);

  return {
    training: { start: iso(training.start), end: iso(training.end), events: count(training) },
    latest: { start: iso(latest.start), end: iso(latest.end), events: count(latest) },
    features: [
      categorical('event_type', (i) => types[eventType[i]] ?? 'other'),
      categorical('category', (i) => cats.top.get(catOf(i)) ?? 'unknown'),
      categorical('season', (i) => cats.season.get(catOf(i)) ?? 'none'),
      feature(
        'price',
        psi(
          histogram(trainPrices, priceEdges),
          histogram(prices(latest), priceEdges),
          edgeLabels(priceEdges),
        ),
      ),
      feature(
        'user_activity',
        psi(histogram(trainActivity, actEdges), histogram(activity(latest), actEdges), edgeLabels(actEdges)),
      ),
    ],
  };
}

const iso = (t: number) => new Date(t).toISOString();

/** Parse `YYYY-MM-DD` (UTC midnight) or an ISO instant; names the flag on error. */
export function parseInstantFlag(v: string, flag: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : v);
  if (!Number.isFinite(t))
    throw validationError(
      `${flag} must be a date (YYYY-MM-DD) or an ISO instant, but got: ${JSON.stringify(v)}`,
      { field: flag },
    );
  return t;
}
