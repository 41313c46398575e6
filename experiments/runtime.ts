// The A/B module inside an API process: a snapshot of the running experiment (re-read every
// EXPERIMENTS_POLL_MS, and at once after an admin change in this process), assignment from that snapshot
// (synchronous, no I/O on the hot path), fire-and-forget exposure logging and outcome attribution.
import fs from 'node:fs';
import type Redis from 'ioredis';
import YAML from 'yaml';
import { GraphrecError, type Config, type Logger } from '../core';
import { assign, type AssignmentRequest } from './assign';
import { createExperiment } from './lifecycle';
import {
  attributeOutcomes,
  lookupExposures,
  recordExposure,
  type AttributionResult,
  type Exposure,
  type ExposuresByRecId,
  type Outcome,
} from './logging';
import { createExperimentStore, parseConfigExperiments, type ExperimentStore } from './store';
import type { Experiment, RankerSettings } from './types';

export interface ServedVariant {
  /** null when no experiment runs. */
  experimentId: string | null;
  name: string;
  modelVersion: string | null;
  ranker: RankerSettings | null;
  /** The randomised unit, or null (no experiment, or an anonymous request: served the control, not logged). */
  unitId: string | null;
}

export interface ExperimentRuntime {
  choose(req: AssignmentRequest): ServedVariant;
  running(): Experiment | undefined;
  store: ExperimentStore;
  create(definition: unknown): Promise<Experiment>;
  stop(id: string): Promise<Experiment>;
  refresh(): Promise<void>;
  /** Never throws and never waits: a failure is logged and counted. */
  recordExposure(x: Exposure): void;
  /** The exposures the recIds name (one Redis round trip, none without recIds). Throws when Redis fails. */
  lookupExposures(recIds: string[]): Promise<ExposuresByRecId>;
  /** Counts outcomes against exposures read by lookupExposures; each event once (its idempotency key). */
  attribute(outcomes: Outcome[], exposures: ExposuresByRecId): Promise<AttributionResult>;
  /** Called with the running experiment whenever the snapshot changes (the API preloads pinned models). */
  onChange(fn: (running: Experiment | undefined) => void): void;
  close(): void;
}

export interface RuntimeOptions {
  redis: Redis;
  config: Config;
  logger: Logger;
  /** Counts exposure-logging failures (the API's metric). */
  onLogFailure?: (kind: 'exposure' | 'outcome') => void;
}

export const NO_EXPERIMENT: ServedVariant = {
  experimentId: null,
  name: 'control',
  modelVersion: null,
  ranker: null,
  unitId: null,
};

/** The experiments the config defines: EXPERIMENTS_FILE (JSON or YAML) and EXPERIMENTS_JSON. */
export function configExperiments(config: Config): Experiment[] {
  const out: Experiment[] = [];
  const { file, json } = config.experiments;
  if (file !== null) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new GraphrecError('CONFIG', `EXPERIMENTS_FILE cannot be read: ${(err as Error).message}`, {
        field: 'EXPERIMENTS_FILE',
      });
    }
    // YAML is a superset of JSON: one parser for both.
    out.push(...parseConfigExperiments(JSON.stringify(YAML.parse(text)), 'EXPERIMENTS_FILE'));
  }
  if (json !== null) out.push(...parseConfigExperiments(json, 'EXPERIMENTS_JSON'));
  return out;
}

export async function startExperimentRuntime(opts: RuntimeOptions): Promise<ExperimentRuntime> {
  const { redis, config, logger } = opts;
  const { prefix, attributionTtlSeconds, pollMs } = config.experiments;
  const store = createExperimentStore(redis, prefix);
  const fromConfig = configExperiments(config);
  let seeded = fromConfig.length === 0;
  let current: Experiment | undefined;
  const listeners: Array<(e: Experiment | undefined) => void> = [];

  async function refresh(): Promise<void> {
    if (!seeded) {
      await store.upsertFromConfig(fromConfig, logger);
      seeded = true;
    }
    const next = (await store.list()).find((e) => e.status === 'running');
    if (JSON.stringify(next) !== JSON.stringify(current)) {
      current = next;
      logger.info({ experiment: next?.id ?? null }, 'running experiment changed');
      for (const fn of listeners) fn(current);
    }
  }

  // The API's connection has no offline queue: give it a moment to connect before the first read.
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1500);
      redis.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  try {
    await refresh();
  } catch (err) {
    // Redis down at start: serve the control and try again at the next poll.
    logger.warn(
      { err: (err as Error).message },
      'experiments not loaded at start; retrying in the background',
    );
  }
  const timer = setInterval(() => {
    refresh().catch((err: Error) => logger.debug({ err: err.message }, 'experiments refresh failed'));
  }, pollMs);
  timer.unref();

  return {
    store,
    running: () => current,
    choose(req) {
      const exp = current;
      if (!exp) return NO_EXPERIMENT;
      const { variant, unitId } = assign(exp, req);
      return {
        experimentId: exp.id,
        name: variant.name,
        modelVersion: variant.modelVersion,
        ranker: variant.ranker,
        unitId,
      };
    },
    async create(definition) {
      const exp = await createExperiment(store, config.dataDir, definition, 'admin');
      await refresh();
      return exp;
    },
    async stop(id) {
      const exp = await store.stop(id);
      await refresh();
      return exp;
    },
    refresh,
    recordExposure(x) {
      recordExposure(redis, prefix, attributionTtlSeconds, x).catch((err: Error) => {
        opts.onLogFailure?.('exposure');
        logger.warn({ err: err.message, experiment: x.experimentId }, 'exposure not logged');
      });
    },
    lookupExposures: (recIds) => lookupExposures(redis, prefix, recIds),
    async attribute(outcomes, exposures) {
      try {
        return await attributeOutcomes(redis, prefix, attributionTtlSeconds, outcomes, exposures);
      } catch (err) {
        opts.onLogFailure?.('outcome');
        throw err;
      }
    },
    onChange: (fn) => listeners.push(fn),
    close: () => clearInterval(timer),
  };
}
