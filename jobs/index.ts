// The public door of jobs/: the worker process and the refresh pipeline.
export { startWorker, bullConnection, NIGHTLY_SCHEDULER, DRIFT_SCHEDULER } from './worker';
export type { WorkerOptions, RunningWorker } from './worker';
export { startRefresh, refreshProcessor, REFRESH_QUEUE, REPORTS_QUEUE } from './pipeline';
export { defaultStages, missing } from './stages';
export type { StageImpls, StageFn, StageContext, StageOutcome } from './stages';
export { qualityGate, GATE_METRIC } from './gate';
export type { GateDecision, GateCheck, GateThresholds, ModelScores } from './gate';
export { refreshLock } from './lock';
export { readRun, listRuns, runDir, STAGES } from './runStore';
export type { RunState, StageName, StageState, RunOptions } from './runStore';
export { renderRefreshReport } from './report';
