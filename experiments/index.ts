// The public door of experiments/: A/B tests and canaries. Definitions and counters live in Redis
// (store.ts, logging.ts); the API uses the runtime (assignment, exposures, outcomes); the CLI the lifecycle
// verbs and the report. See docs/experiments.md.
export { assign, bucketOf, unitOf } from './assign';
export type { Assignment, AssignmentRequest } from './assign';
export { parseDefinition, DEFAULT_GUARDRAILS, RANKER_SOURCES } from './types';
export type {
  Experiment,
  ExperimentVariant,
  Guardrails,
  RankerSettings,
  RankerSource,
  Unit,
  Status,
} from './types';
export { createExperimentStore } from './store';
export type { ExperimentStore } from './store';
export type { Exposure, Outcome, AttributionResult, LoggedExposure, ExposuresByRecId } from './logging';
export { recordExposure, lookupExposures, attributeOutcomes } from './logging';
export { createExperiment, startCanary, promoteVariant } from './lifecycle';
export type { CanaryRequest } from './lifecycle';
export { startExperimentRuntime, configExperiments, NO_EXPERIMENT } from './runtime';
export type { ExperimentRuntime, ServedVariant } from './runtime';
export { readCounts, buildReport } from './report';
export type { ExperimentReport, VariantReport, ReportSettings } from './report';
export { experimentKeys } from './keys';
