// The quality gate: a candidate model may replace the active one only if NDCG@20 does not drop by more than a
// configurable share, overall and in every cold-start segment the active model was measured on. Pure.
export interface GateThresholds {
  /** Largest allowed relative drop of overall NDCG@20 (0.02 = 2 %). */
  maxNdcgDrop: number;
  /** Largest allowed relative drop of NDCG@20 in each cold-start segment. */
  maxColdNdcgDrop: number;
}

export interface ModelScores {
  version: string;
  metrics: Record<string, number>;
  segments: Record<string, Record<string, number>>;
}

export interface GateCheck {
  name: string;
  candidate: number | null;
  active: number | null;
  /** candidate / active - 1 (null when the active model has no figure or it is 0). */
  change: number | null;
  allowedDrop: number;
  passed: boolean;
  why: string;
}

export interface GateDecision {
  passed: boolean;
  checks: GateCheck[];
  /** One line saying why the candidate was accepted or refused. */
  reason: string;
}

export const GATE_METRIC = 'ndcg@20';

function check(name: string, cand: number | undefined, act: number | undefined, allowed: number): GateCheck {
  const candidate = cand ?? null;
  const active = act ?? null;
  if (candidate === null || !Number.isFinite(candidate))
    return {
      name,
      candidate,
      active,
      change: null,
      allowedDrop: allowed,
      passed: false,
      why: `the candidate has no ${name}`,
    };
  if (active === null || !Number.isFinite(active) || active <= 0)
    return {
      name,
      candidate,
      active,
      change: null,
      allowedDrop: allowed,
      passed: true,
      why: `the active model has no usable ${name}; nothing to regress from`,
    };
  const change = candidate / active - 1;
  const passed = change >= -allowed - 1e-12;
  return {
    name,
    candidate,
    active,
    change,
    allowedDrop: allowed,
    passed,
    why: passed
      ? `${name} ${fmt(candidate)} vs ${fmt(active)} (${pct(change)}), within -${pct(allowed, false)}`
      : `${name} ${fmt(candidate)} vs ${fmt(active)} (${pct(change)}) drops more than the allowed ${pct(allowed, false)}`,
  };
}

const fmt = (v: number) => v.toFixed(4);
const pct = (v: number, sign = true) => `${sign && v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;

/**
 * Compare a candidate with the active model (null when nothing is active yet: the candidate passes, being the
 * only one, as long as it has the metric).
 */
export function qualityGate(
  candidate: ModelScores,
  active: ModelScores | null,
  t: GateThresholds,
): GateDecision {
  if (t.maxNdcgDrop < 0 || t.maxColdNdcgDrop < 0) throw new Error('gate thresholds must be >= 0');
  const checks: GateCheck[] = [];
  checks.push(
    check(
      `${GATE_METRIC} overall`,
      candidate.metrics[GATE_METRIC],
      active?.metrics[GATE_METRIC],
      t.maxNdcgDrop,
    ),
  );
  const segs = new Set([...Object.keys(active?.segments ?? {}), ...Object.keys(candidate.segments)]);
  for (const seg of [...segs].sort()) {
    if (!/cold/i.test(seg)) continue;
    checks.push(
      check(
        `${GATE_METRIC} ${seg}`,
        candidate.segments[seg]?.[GATE_METRIC],
        active?.segments[seg]?.[GATE_METRIC],
        t.maxColdNdcgDrop,
      ),
    );
  }
  const failed = checks.filter((c) => !c.passed);
  const passed = failed.length === 0;
  return {
    passed,
    checks,
    reason: passed
      ? active
        ? `${candidate.version} passes the gate against ${active.version}`
        : `${candidate.version} passes the gate (no active model to compare with)`
      : `${candidate.version} is gated out against ${active?.version ?? 'nothing'}: ${failed.map((c) => c.why).join('; ')}`,
  };
}
