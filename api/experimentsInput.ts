// The GraphQL shapes of experiments: input objects to the plain definition experiments/ validates, and an
// Experiment to its GraphQL type (enums upper-case, ranker weights as a list).
import type { Experiment, RankerSettings } from '../experiments';

export interface ExperimentInput {
  id: string;
  description?: string | null;
  unit?: string | null;
  variants: Array<{
    name: string;
    weight: number;
    modelVersion?: string | null;
    ranker?: {
      sourceWeights?: Array<{ source: string; weight: number }> | null;
      perCategoryCap?: number | null;
    } | null;
  }>;
  guardrails?: {
    maxP95LatencyMs?: number | null;
    maxP95LatencyIncrease?: number | null;
    minCoverageRatio?: number | null;
  } | null;
}

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

export function definitionFromInput(input: ExperimentInput): unknown {
  return defined({
    id: input.id,
    description: input.description,
    unit: input.unit?.toLowerCase(),
    variants: input.variants.map((v) =>
      defined({
        name: v.name,
        weight: v.weight,
        modelVersion: v.modelVersion,
        ranker: v.ranker
          ? defined({
              sourceWeights: v.ranker.sourceWeights
                ? Object.fromEntries(v.ranker.sourceWeights.map((w) => [w.source.toLowerCase(), w.weight]))
                : undefined,
              perCategoryCap: v.ranker.perCategoryCap,
            })
          : undefined,
      }),
    ),
    guardrails: input.guardrails ? defined(input.guardrails) : undefined,
  });
}

const rankerOut = (r: RankerSettings | null) =>
  r === null
    ? null
    : {
        perCategoryCap: r.perCategoryCap ?? null,
        sourceWeights: Object.entries(r.sourceWeights ?? {}).map(([source, weight]) => ({
          source: source.toUpperCase(),
          weight,
        })),
      };

export const experimentOut = (e: Experiment) => ({
  ...e,
  unit: e.unit.toUpperCase(),
  status: e.status.toUpperCase(),
  source: e.source.toUpperCase(),
  variants: e.variants.map((v) => ({ ...v, ranker: rankerOut(v.ranker) })),
});
