// The graph candidates of seed products (co-purchase, co-view, same leaf category: queries.ts SEED_NEIGHBOURS; or
// co-purchase alone, SEED_COPURCHASE, for seeds whose other neighbours come from the model's tables), remembered
// per query and seed for a short time. A product's neighbourhood moves slowly (one more purchase changes a
// co-purchase count by one), while popular products are the seeds of many shoppers, so on a cache miss of the
// result cache most seeds are already known and only the new ones go to Neo4j, in one UNWIND query.
// Freshness is unchanged where it matters: the shopper's own new events become seeds at once (Redis session
// state); only the neighbour lists of a seed may be up to `ttlMs` old. Bounded: least recently used seeds go
// first once `maxSeeds` are held.
import type { GraphClient, NamedQuery } from '../../graph';
import { SEED_NEIGHBOURS } from './queries';
import type { Source } from './rank';

export interface NeighbourRow {
  seed: string;
  productId: string;
  source: Source;
  w: number;
}

export interface SeedNeighbourCache {
  /**
   * The rows of these seeds: cached ones from memory, the rest with one query: SEED_NEIGHBOURS by default, or
   * another query of the same parameters and rows (SEED_COPURCHASE); entries are kept per query and seed.
   */
  rows(graph: GraphClient, seeds: string[], query?: NamedQuery): Promise<NeighbourRow[]>;
  /** Seeds served from memory / fetched, since start (for metrics and tests). */
  stats(): { hits: number; misses: number; held: number };
}

export function createSeedNeighbourCache(
  ttlMs: number,
  maxSeeds: number,
  now: () => number = Date.now,
  /** Called per lookup with the seeds served from memory and those fetched (the cache metrics). */
  observe?: (hits: number, misses: number) => void,
): SeedNeighbourCache {
  // Insertion order is the LRU order: a hit re-inserts its entry at the end.
  const held = new Map<string, { at: number; rows: NeighbourRow[] }>();
  let hits = 0;
  let misses = 0;
  return {
    async rows(graph, seeds, query = SEED_NEIGHBOURS) {
      const t = now();
      const out: NeighbourRow[] = [];
      const missing: string[] = [];
      const keyOf = (seed: string) => `${query.name}\u0000${seed}`;
      for (const seed of seeds) {
        const e = ttlMs > 0 ? held.get(keyOf(seed)) : undefined;
        if (e && t - e.at < ttlMs) {
          held.delete(keyOf(seed));
          held.set(keyOf(seed), e);
          out.push(...e.rows);
          hits++;
        } else missing.push(seed);
      }
      observe?.(seeds.length - missing.length, missing.length);
      if (missing.length === 0) return out;
      misses += missing.length;
      const fetched = await graph.read<NeighbourRow>(query, { seeds: missing });
      out.push(...fetched);
      if (ttlMs > 0) {
        const bySeed = new Map<string, NeighbourRow[]>(missing.map((s) => [s, []]));
        for (const r of fetched) bySeed.get(r.seed)?.push(r);
        for (const [seed, rows] of bySeed) {
          held.delete(keyOf(seed));
          held.set(keyOf(seed), { at: t, rows });
        }
        while (held.size > maxSeeds) held.delete(held.keys().next().value as string);
      }
      return out;
    },
    stats: () => ({ hits, misses, held: held.size }),
  };
}
