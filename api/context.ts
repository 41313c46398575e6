// The per-request GraphQL context: who calls, fresh DataLoaders, and the shared services.
import type { Caller } from './auth';
import type { Loaders } from './loaders';
import type { Services } from './services';

export interface ApiContext {
  caller: Caller;
  /** True for admin keys: admin-only fields check it (and the ops engineer's admin resolvers may too). */
  isAdmin: boolean;
  loaders: Loaders;
  services: Services;
  /** The experiment variant that served this request (for metrics). */
  variant: string;
}
