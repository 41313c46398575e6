// The long-lived dependencies of the API process, built once at start-up and shared by every request.
import type Redis from 'ioredis';
import type { Config, Logger } from '../core';
import type { GraphClient } from '../graph';
import type { AppendOptions } from '../events';
import type { ResultCache } from './cache';
import type { Catalog } from './catalog';
import type { Breaker } from './guard';
import type { Metrics } from './metrics';
import type { ActiveModel } from './model/activeModel';
import type { Popularity } from './recs/popularity';
import type { ChooseVariant } from './variant';

export interface Services {
  config: Config;
  logger: Logger;
  graph: GraphClient;
  graphBreaker: Breaker;
  redis: Redis;
  catalog: Catalog;
  popularity: Popularity;
  model: ActiveModel;
  metrics: Metrics;
  cache: ResultCache;
  appendOptions: AppendOptions;
  chooseVariant: ChooseVariant;
}
