// The long-lived dependencies of the API process, built once at start-up and shared by every request.
import type Redis from 'ioredis';
import type { Config, Logger } from '../core';
import type { GraphClient } from '../graph';
import type { AppendOptions } from '../events';
import type { ExperimentRuntime } from '../experiments';
import type { ResultCache } from './cache';
import type { Catalog } from './catalog';
import type { Breaker } from './guard';
import type { Metrics } from './metrics';
import type { ActiveModel } from './model/activeModel';
import type { PinnedModels } from './model/pinnedModels';
import type { Popularity } from './recs/popularity';
import type { SeedNeighbourCache } from './recs/seedNeighbours';
import type { ChooseVariant } from './variant';

export interface Services {
  config: Config;
  logger: Logger;
  graph: GraphClient;
  graphBreaker: Breaker;
  redis: Redis;
  /** The connection trackEvents appends on (a longer command timeout than `redis`; api/redis.ts). */
  eventsRedis: Redis;
  catalog: Catalog;
  popularity: Popularity;
  model: ActiveModel;
  metrics: Metrics;
  cache: ResultCache;
  appendOptions: AppendOptions;
  chooseVariant: ChooseVariant;
  /** A/B tests: the running experiment, exposure logging, outcome attribution, admin operations. */
  experiments: ExperimentRuntime;
  /** Model versions pinned by experiment variants. */
  pinnedModels: PinnedModels;
  /** Seed products' graph neighbours, reused for API_NEIGHBOUR_TTL_S. */
  seedNeighbours: SeedNeighbourCache;
}
