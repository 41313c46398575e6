// Deterministic assignment: a unit (user or session) lands in the same variant of an experiment in every
// process and on every request, without storing anything. The bucket is the first 32 bits of
// sha1(`${experimentId}:${unitId}`) scaled to [0, 1); the experiment id is part of the hash so that two
// experiments split the same users independently.
import crypto from 'node:crypto';
import type { Experiment, ExperimentVariant } from './types';

export interface AssignmentRequest {
  userId: string | null;
  sessionId: string | null;
}

export interface Assignment {
  variant: ExperimentVariant;
  /** `u:<userId>` or `s:<sessionId>`, or null for an anonymous request (served the control, not logged). */
  unitId: string | null;
}

export function bucketOf(experimentId: string, unitId: string): number {
  const h = crypto.createHash('sha1').update(`${experimentId}:${unitId}`).digest();
  return h.readUInt32BE(0) / 4294967296;
}

/**
 * The unit an experiment randomises on. A user experiment falls back to the session for shoppers who are not
 * logged in (their session is all we know of them), and a session experiment to the user id.
 */
export function unitOf(exp: Pick<Experiment, 'unit'>, req: AssignmentRequest): string | null {
  const user = req.userId ? `u:${req.userId}` : null;
  const session = req.sessionId ? `s:${req.sessionId}` : null;
  return exp.unit === 'user' ? (user ?? session) : (session ?? user);
}

/** Cumulative weights: bucket b falls in the first variant whose running sum exceeds it. */
export function variantForBucket(variants: ExperimentVariant[], bucket: number): ExperimentVariant {
  let sum = 0;
  for (const v of variants) {
    sum += v.weight;
    if (bucket < sum) return v;
  }
  // Rounding can leave the sum a hair under 1: the last variant takes the remainder.
  return variants[variants.length - 1];
}

export function assign(exp: Experiment, req: AssignmentRequest): Assignment {
  const unitId = unitOf(exp, req);
  if (unitId === null) return { variant: exp.variants[0], unitId: null };
  return { variant: variantForBucket(exp.variants, bucketOf(exp.id, unitId)), unitId };
}
