// The one JSON object `bench scale --json` prints, built from the finished run's record. Its shape is the
// contract of issue #23's harness: nothing more, so scripts and the cost model can rely on it.
import type { MeasuredRun } from './costModel';
import type { ScaleState, Stage, StageRecord } from './state';

// A type, not an interface: the cost model reads it as a record of metrics.
export type StageFigures = { seconds: number; peakRssMb: number };

export interface ScaleResult {
  scale: string;
  stages: {
    generate: StageFigures;
    load: StageFigures;
    split: StageFigures;
    features: StageFigures;
    refresh: StageFigures;
    publish: StageFigures;
  };
  serving: { missP99Ms: number; hitP99Ms: number; apiRssMb: number };
}

export const RESULT_STAGES = ['generate', 'load', 'split', 'features', 'refresh', 'publish'] as const;

function done(state: ScaleState, stage: Stage): StageRecord {
  const r = state.stages[stage];
  if (!r || r.status !== 'done' || r.seconds === null || r.peakRssMb === null)
    throw new Error(`stage ${stage} has no finished measurement in the run's record`);
  return r;
}

const figures = (seconds: number, peakRssMb: number): StageFigures => ({ seconds, peakRssMb });

function num(facts: Record<string, unknown>, key: string, stage: string): number {
  const v = facts[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`stage ${stage} recorded no number ${key} (got ${JSON.stringify(v)})`);
  return v;
}

export function buildResult(state: ScaleState): ScaleResult {
  const stage = (s: Stage) => {
    const r = done(state, s);
    return figures(r.seconds!, r.peakRssMb!);
  };
  const refresh = done(state, 'refresh');
  const serving = done(state, 'serving');
  return {
    scale: state.scale,
    stages: {
      generate: stage('generate'),
      load: stage('load'),
      split: stage('split'),
      features: stage('features'),
      refresh: figures(refresh.seconds!, refresh.peakRssMb!),
      publish: figures(
        num(refresh.facts, 'publishSeconds', 'refresh'),
        num(refresh.facts, 'publishPeakRssMb', 'refresh'),
      ),
    },
    serving: {
      missP99Ms: num(serving.facts, 'missP99Ms', 'serving'),
      hitP99Ms: num(serving.facts, 'hitP99Ms', 'serving'),
      apiRssMb: num(serving.facts, 'apiRssMb', 'serving'),
    },
  };
}

/**
 * A kept run's figures for the cost model: the result's stages, and the refresh split into its training (which
 * stops at the nightly time budget, REFRESH_TIME_BUDGET_MIN, so its time follows the budget more than the size)
 * and everything else it does.
 */
export function measuredRun(state: ScaleState): MeasuredRun {
  const r = buildResult(state);
  const train = (state.stages.refresh!.facts.stageSeconds as Record<string, number | null> | undefined)
    ?.train;
  const parts: MeasuredRun['stages'] =
    typeof train === 'number'
      ? {
          'refresh: train': { seconds: train },
          'refresh: all but train': { seconds: Math.round((r.stages.refresh.seconds - train) * 100) / 100 },
        }
      : {};
  return { scale: r.scale, stages: { ...r.stages, ...parts } };
}
