// Model versions pinned by experiment variants (a canary, or a challenger), held next to the active model.
// They are loaded when an experiment starts (the runtime's change callback), not on the request path: a request
// for a version that is not loaded yet is served by the active model and not logged as an exposure, so the
// experiment never counts responses its variant did not really serve. At most `max` versions are held (each is
// a full embedding table); the least recently used is dropped first.
import type { Logger } from '../../core';
import { loadModel, type ActiveModel, type LoadedModel } from './activeModel';

export interface PinnedModels {
  /** The loaded model of a version (the active one counts), or undefined. */
  get(version: string): LoadedModel | undefined;
  /** Load these versions in the background (the active one is never loaded twice). */
  ensure(versions: string[]): void;
  loaded(): string[];
}

export function createPinnedModels(
  dataDir: string,
  max: number,
  active: ActiveModel,
  logger: Logger,
  annProbes = 0,
): PinnedModels {
  // Insertion order of a Map is the LRU order: a hit re-inserts the entry at the end.
  const held = new Map<string, LoadedModel>();
  const failedAt = new Map<string, number>();
  const loading = new Set<string>();

  function load(version: string): void {
    loading.delete(version);
    if (held.has(version) || active.current()?.version === version) return;
    try {
      const m = loadModel(dataDir, version, { probes: annProbes, logger });
      held.set(version, m);
      while (held.size > max) {
        const oldest = held.keys().next().value as string;
        held.delete(oldest);
        logger.info({ version: oldest }, 'pinned model dropped (EXPERIMENTS_MAX_PINNED_MODELS)');
      }
      logger.info({ version, held: held.size }, 'pinned model loaded for an experiment');
    } catch (err) {
      failedAt.set(version, Date.now());
      logger.error({ version, err: (err as Error).message }, 'pinned model could not be loaded');
    }
  }

  return {
    get(version) {
      const a = active.current();
      if (a?.version === version) return a;
      const m = held.get(version);
      if (m) {
        held.delete(version);
        held.set(version, m);
      }
      return m;
    },
    ensure(versions) {
      for (const v of versions) {
        if (max === 0 || held.has(v) || loading.has(v) || active.current()?.version === v) continue;
        // A version that failed is retried at most once a minute.
        if (Date.now() - (failedAt.get(v) ?? 0) < 60_000) continue;
        loading.add(v);
        // Loading reads files synchronously: do it off the current request or poll tick.
        setImmediate(() => load(v));
      }
    },
    loaded: () => [...held.keys()],
  };
}
