// The refresh pipeline on BullMQ: one job per stage on the `refresh` queue, chained by explicit handoff (a
// stage's job enqueues the next stage's job after its result is persisted). Job ids are `<runId>.<stage>`,
// so a handoff repeated after a crash, or by a second worker, adds nothing: each stage runs once per run.
// Retries use exponential backoff; a stage whose building block is missing fails at once (no retry).
import { Queue, UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import type Redis from 'ioredis';
import { GraphrecError, type Config, type Logger } from '../core';
import { createGraphClient, type GraphClient } from '../graph';
import { readActiveModel } from '../model';
import type { GateDecision } from './gate';
import { refreshLock } from './lock';
import { writeRefreshReport } from './report';
import {
  createRun,
  newRunId,
  nextStage,
  readRun,
  STAGES,
  writeRun,
  type RunOptions,
  type RunState,
  type StageName,
} from './runStore';
import type { StageImpls } from './stages';

export const REFRESH_QUEUE = 'refresh';
export const REPORTS_QUEUE = 'reports';

export interface StageJobData {
  runId: string;
  stage: StageName;
}

export interface NightlyJobData {
  trigger: 'schedule';
}

export function stageJobOptions(config: Config, runId: string, stage: StageName): JobsOptions {
  return {
    jobId: `${runId}.${stage}`,
    attempts: config.jobs.attempts,
    backoff: { type: 'exponential', delay: config.jobs.backoffMs },
    removeOnComplete: { age: 30 * 86400, count: 1000 },
    removeOnFail: { age: 30 * 86400, count: 1000 },
  };
}

export interface StartDeps {
  config: Config;
  redis: Redis;
  queue: Queue;
  prefix: string;
  logger: Logger;
}

/** Take the lock, create the run directory and enqueue the first stage. Refuses while another run holds it. */
export async function startRefresh(
  deps: StartDeps,
  trigger: RunState['trigger'],
  options: RunOptions = {},
): Promise<RunState> {
  const runId = newRunId();
  const lock = refreshLock(deps.redis, deps.prefix);
  const got = await lock.acquire(runId);
  if (!got.acquired)
    throw new GraphrecError(
      'CONFLICT',
      `refresh ${got.holder} is still running (lock ${lock.key}); two refreshes never overlap`,
    );
  const state = createRun(
    deps.config.dataDir,
    runId,
    trigger,
    options,
    readActiveModel(deps.config.dataDir)?.version ?? null,
  );
  await deps.queue.add('stage', { runId, stage: STAGES[0] }, stageJobOptions(deps.config, runId, STAGES[0]));
  deps.logger.info({ runId, trigger }, 'refresh started');
  return state;
}

export interface PipelineHooks {
  onRunEnd?: (state: RunState) => void;
  onStage?: (stage: StageName, outcome: 'completed' | 'failed', seconds: number) => void;
}

export interface PipelineDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  queue: Queue;
  prefix: string;
  stages: StageImpls;
  hooks?: PipelineHooks;
}

const isMissingBlock = (err: unknown) =>
  err instanceof Error && /not available in this build/.test(err.message);

/** Decide the final status once the report stage is reached. */
function settle(state: RunState, dataDir: string): RunState {
  const gate = state.stages.gate.result as unknown as GateDecision | null;
  const published = state.stages.publish.status === 'done';
  state.activeAfter = readActiveModel(dataDir)?.version ?? null;
  if (published) {
    state.status = 'published';
    state.reason = `${String(state.stages.publish.result?.version)} is now active`;
  } else {
    state.status = 'gated';
    state.reason = `${gate?.reason ?? 'the gate did not pass'}; ${state.activeBefore ?? 'no model'} stays active`;
  }
  return state;
}

export function refreshProcessor(deps: PipelineDeps) {
  const { config, logger } = deps;
  const lock = refreshLock(deps.redis, deps.prefix);

  async function endRun(state: RunState): Promise<void> {
    state.finishedAt = new Date().toISOString();
    writeRun(config.dataDir, state);
    writeRefreshReport(config.dataDir, state);
    await lock.release(state.runId);
    deps.hooks?.onRunEnd?.(state);
    logger.info({ runId: state.runId, status: state.status, reason: state.reason }, 'refresh finished');
  }

  /** Called by the worker when a stage job has failed for good. */
  async function failRun(job: Job<StageJobData>, err: Error): Promise<void> {
    const state = readRun(config.dataDir, job.data.runId);
    if (state.status !== 'running') return;
    const st = state.stages[job.data.stage];
    st.status = 'failed';
    st.error = err.message;
    state.status = 'failed';
    state.activeAfter = readActiveModel(config.dataDir)?.version ?? null;
    state.reason = `stage ${job.data.stage} failed after ${st.attempts} attempt(s): ${err.message}; ${state.activeAfter ?? 'no model'} stays active`;
    await endRun(state);
  }

  async function processStage(job: Job<StageJobData>): Promise<Record<string, unknown>> {
    const { runId, stage } = job.data;
    const state = readRun(config.dataDir, runId);
    if (state.status !== 'running') {
      // A worker killed inside endRun (run.json written, lock not yet released) leaves its job to be re-run
      // here: free the lock now rather than block every refresh until its TTL. Compare-and-delete, so a
      // newer run's lock is never touched.
      await lock.release(runId);
      return { runId, stage, note: `run already ${state.status}` };
    }
    const got = await lock.acquire(runId);
    if (!got.acquired)
      throw new UnrecoverableError(
        `refresh lock is held by ${got.holder}, not by ${runId}; this run cannot continue`,
      );
    const st = state.stages[stage];
    if (st.status !== 'done' && st.status !== 'skipped') {
      st.status = 'running';
      st.attempts += 1;
      st.startedAt = new Date().toISOString();
      st.error = null;
      writeRun(config.dataDir, state);
      const t0 = Date.now();
      let graph: GraphClient | null = null;
      try {
        const outcome = await deps.stages[stage]({
          config,
          logger: logger.child({ runId, stage }),
          redis: deps.redis,
          // The report shows the outcome the run is about to have, but run.json says `running` until endRun:
          // a run marked ended before its report would never be resumed if the worker died in between.
          state: stage === 'report' ? settle(structuredClone(state), config.dataDir) : state,
          graph: () => (graph ??= createGraphClient(config.neo4j, { app: 'graphrec-worker' })),
        });
        st.status = outcome.status;
        st.result = outcome.result;
        st.finishedAt = new Date().toISOString();
        st.seconds = Math.round((Date.now() - t0) / 10) / 100;
        writeRun(config.dataDir, state);
        deps.hooks?.onStage?.(stage, 'completed', st.seconds);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        st.status = 'pending';
        st.error = msg;
        writeRun(config.dataDir, state);
        deps.hooks?.onStage?.(stage, 'failed', (Date.now() - t0) / 1000);
        logger.warn({ runId, stage, attempt: st.attempts, err: msg }, 'refresh stage failed');
        if (isMissingBlock(err)) throw new UnrecoverableError(msg);
        throw err;
      } finally {
        if (graph) await (graph as GraphClient).close();
      }
    }
    const next = nextStage(stage);
    if (next) await deps.queue.add('stage', { runId, stage: next }, stageJobOptions(config, runId, next));
    else {
      if (state.status === 'running') settle(state, config.dataDir);
      await endRun(state);
    }
    return { runId, stage, status: st.status, result: st.result };
  }

  async function processNightly(): Promise<Record<string, unknown>> {
    try {
      const s = await startRefresh(deps, 'schedule');
      return { runId: s.runId };
    } catch (err) {
      if (err instanceof GraphrecError) return { skipped: err.message };
      throw err;
    }
  }

  return {
    process: async (job: Job) =>
      job.name === 'nightly' ? processNightly() : processStage(job as Job<StageJobData>),
    failRun,
  };
}
