// The per-request GraphQL context: who calls, fresh DataLoaders, and the shared services.
import type { Caller } from './auth';
import type { Lookup } from './cache';
import type { Loaders } from './loaders';
import type { RecResult } from './recs/recommend';
import type { Services } from './services';

export interface ApiContext {
  caller: Caller;
  /** True for admin keys: admin-only fields check it (and the ops engineer's admin resolvers may too). */
  isAdmin: boolean;
  loaders: Loaders;
  services: Services;
  /** The experiment variant that served this request (for metrics). */
  variant: string;
  /**
   * Set when the pre-rendered fast path (prerendered.ts) missed: the recommendations resolver hands it the result
   * cache's key, the result, and how to shape it with a given recId, so the answer is rendered for the next hit.
   */
  prerender?: (cacheKey: string, value: RecResult, served: (recId: string) => unknown) => void;
  /** Set while such an answer is rendered: the recommendations resolver returns it as is. */
  prerendering?: unknown;
  /** What the fast path's cache lookup found for this request's key (prerendered.ts): the resolver reuses it. */
  prefetched?: Prefetched;
}

/** A cache lookup made before Apollo, with the key parts it was made for. */
export interface Prefetched {
  /** The result's key parts; the shape names the user and session, so the subjects follow from it. */
  prefix: string;
  shape: string;
  lookup: Lookup;
}
