// The shape every segment of `graphrec bench cold-start` reports in, so the command can print one table per
// segment and the share of the popularity-to-oracle gap each method closes. Segments (cold users, new
// products, sessions) live in their own files beside this one and return a SegmentReport.
import type { Logger } from '../../core';

export interface ColdStartContext {
  /** The generated shop's directory (its CSV files and manifest.json). */
  shopDir: string;
  /** The trained model version being measured (the served model), when one was trained for the run. */
  versionDir?: string;
  logger: Logger;
  /** At most this many cases per segment, drawn with a fixed seed, so the bench's cost is bounded. */
  maxCases: number;
}

/** One ranking method on one segment: its metric values by name (`ndcg@20`, `recall@20`, `hr@20`, `mrr@20`). */
export interface MethodFigures {
  name: string;
  role: 'popularity' | 'model' | 'baseline' | 'oracle';
  metrics: Record<string, number>;
}

export interface SegmentReport {
  segment: string;
  /** How many cases (users, products or session prefixes) were measured. */
  cases: number;
  methods: MethodFigures[];
  /** Per method name, per metric: (method - popularity) / (oracle - popularity). */
  gapClosed: Record<string, Record<string, number>>;
}

/**
 * The share of the popularity-to-oracle gap a method closes: 0 at popularity, 1 at the oracle. Undefined
 * when the oracle is no better than popularity (there is no gap to close).
 */
export function gapShare(method: number, popularity: number, oracle: number): number | undefined {
  const gap = oracle - popularity;
  return gap > 1e-12 ? (method - popularity) / gap : undefined;
}

/** Fill a report's gapClosed from its methods: needs exactly one popularity and one oracle row. */
export function withGapClosed(report: Omit<SegmentReport, 'gapClosed'>): SegmentReport {
  const pop = report.methods.find((m) => m.role === 'popularity');
  const oracle = report.methods.find((m) => m.role === 'oracle');
  const gapClosed: SegmentReport['gapClosed'] = {};
  if (pop && oracle) {
    for (const m of report.methods) {
      if (m.role === 'popularity' || m.role === 'oracle') continue;
      const shares: Record<string, number> = {};
      for (const [metric, value] of Object.entries(m.metrics)) {
        const share = gapShare(value, pop.metrics[metric] ?? 0, oracle.metrics[metric] ?? 0);
        if (share !== undefined) shares[metric] = share;
      }
      gapClosed[m.name] = shares;
    }
  }
  return { ...report, gapClosed };
}
