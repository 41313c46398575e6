// What an experiment is. Definitions come from config (EXPERIMENTS_FILE / EXPERIMENTS_JSON) or from the admin
// mutations; both go through `parseDefinition`, so a bad definition is refused with the same message anywhere.
import { z } from 'zod';
import { validationError } from '../core';

export const UNITS = ['user', 'session'] as const;
export type Unit = (typeof UNITS)[number];

export const STATUSES = ['running', 'stopped', 'promoted'] as const;
export type Status = (typeof STATUSES)[number];

/** The ranker knobs a variant may override (api/recs/rank.ts). */
export const RANKER_SOURCES = [
  'embedding',
  'copurchase',
  'coview',
  'session',
  'category',
  'segment',
  'popular',
] as const;
export type RankerSource = (typeof RANKER_SOURCES)[number];

export interface RankerSettings {
  sourceWeights?: Partial<Record<RankerSource, number>>;
  perCategoryCap?: number;
}

export interface ExperimentVariant {
  name: string;
  /** Share of the units; the weights of an experiment sum to 1. */
  weight: number;
  /** A model version this variant serves, or null for whatever model is active. */
  modelVersion: string | null;
  ranker: RankerSettings | null;
}

export interface Guardrails {
  /** Largest p95 latency a variant may have, in ms (null: no absolute limit). */
  maxP95LatencyMs: number | null;
  /** Largest relative p95 latency increase versus the control (0.25 = +25 %). */
  maxP95LatencyIncrease: number;
  /** Smallest catalogue coverage relative to the control (0.8 = at least 80 % of the control's). */
  minCoverageRatio: number;
}

export interface Experiment {
  id: string;
  description: string;
  unit: Unit;
  status: Status;
  /** The first variant is the control every lift is measured against. */
  variants: ExperimentVariant[];
  guardrails: Guardrails;
  startedAt: string;
  stoppedAt: string | null;
  promotedVariant: string | null;
  /** Where the definition came from: the config, an admin mutation or the CLI, a canary. */
  source: 'config' | 'admin' | 'canary';
}

export const DEFAULT_GUARDRAILS: Guardrails = {
  maxP95LatencyMs: null,
  maxP95LatencyIncrease: 0.25,
  minCoverageRatio: 0.8,
};

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

const rankerSchema = z
  .object({
    sourceWeights: z.partialRecord(z.enum(RANKER_SOURCES), z.number().min(0).max(10)).optional(),
    perCategoryCap: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

const variantSchema = z
  .object({
    name: z.string().regex(NAME_RE, '1-32 letters, digits, "_" or "-"'),
    weight: z.number().gt(0).max(1),
    modelVersion: z.string().min(1).max(128).nullable().optional(),
    ranker: rankerSchema.nullable().optional(),
  })
  .strict();

export const definitionSchema = z
  .object({
    id: z.string().regex(ID_RE, '1-64 letters, digits, "_", "." or "-", starting with a letter or digit'),
    description: z.string().max(500).optional(),
    unit: z.enum(UNITS).optional(),
    variants: z.array(variantSchema).min(2).max(10),
    guardrails: z
      .object({
        maxP95LatencyMs: z.number().positive().nullable().optional(),
        maxP95LatencyIncrease: z.number().min(0).optional(),
        minCoverageRatio: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ExperimentDefinition = z.input<typeof definitionSchema>;

/** Validate a definition (from config, GraphQL or the CLI) into a new running experiment. */
export function parseDefinition(
  input: unknown,
  source: Experiment['source'],
  now: Date = new Date(),
  where = 'experiment',
): Experiment {
  const parsed = definitionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = [where, ...issue.path.map(String)].join('.');
    const received = issue.path.reduce<unknown>(
      (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[String(k)] : undefined),
      input,
    );
    throw validationError(
      `\`${field}\` must be ${issue.message.replace(/^Invalid input: /, '')}, but got: ${JSON.stringify(received) ?? 'nothing'}`,
      { field },
    );
  }
  const d = parsed.data;
  const names = d.variants.map((v) => v.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) {
    throw validationError(`variant names must be unique, but ${JSON.stringify(dup)} appears twice`, {
      field: `${where}.variants`,
    });
  }
  const total = d.variants.reduce((s, v) => s + v.weight, 0);
  if (Math.abs(total - 1) > 1e-6) {
    throw validationError(`the variant weights must sum to 1, but got: ${Math.round(total * 1e6) / 1e6}`, {
      field: `${where}.variants`,
    });
  }
  return {
    id: d.id,
    description: d.description ?? '',
    unit: d.unit ?? 'user',
    status: 'running',
    variants: d.variants.map((v) => ({
      name: v.name,
      weight: v.weight,
      modelVersion: v.modelVersion ?? null,
      ranker: v.ranker ?? null,
    })),
    guardrails: {
      maxP95LatencyMs: d.guardrails?.maxP95LatencyMs ?? DEFAULT_GUARDRAILS.maxP95LatencyMs,
      maxP95LatencyIncrease: d.guardrails?.maxP95LatencyIncrease ?? DEFAULT_GUARDRAILS.maxP95LatencyIncrease,
      minCoverageRatio: d.guardrails?.minCoverageRatio ?? DEFAULT_GUARDRAILS.minCoverageRatio,
    },
    startedAt: now.toISOString(),
    stoppedAt: null,
    promotedVariant: null,
    source,
  };
}
