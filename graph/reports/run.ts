// Running a report: parameters from `--param k=v` (typed by the header, defaults filled in), then the query in a
// READ transaction through graph/ (runReadOnlyCypher refuses anything Neo4j plans as a write).
import neo4j from 'neo4j-driver';
import { validationError } from '../../core';
import { runReadOnlyCypher } from '../adhoc';
import type { GraphClient } from '../client';
import type { Report } from './catalog';
import { coerceParam, ParamValue } from './header';

export interface ReportResult {
  report: string;
  title: string;
  params: Record<string, ParamValue>;
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Resolve raw `k=v` texts against the header: unknown names and ill-typed values fail with the rule. */
export function resolveParams(report: Report, raw: Record<string, string>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const key of Object.keys(raw)) {
    if (!report.params.some((p) => p.name === key))
      throw validationError(
        `report ${report.name} has no parameter ${key}; its parameters are: ${
          report.params.map((p) => p.name).join(', ') || '(none)'
        }`,
        { field: key },
      );
  }
  for (const p of report.params)
    out[p.name] = key(raw, p.name) ? coerceParam(report.name, p, raw[p.name]) : p.default;
  return out;
}

const key = (o: Record<string, string>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export async function runReport(
  graph: GraphClient,
  report: Report,
  params: Record<string, ParamValue>,
): Promise<ReportResult> {
  // JavaScript numbers reach Neo4j as floats; LIMIT and procedure arguments want integers.
  const bound: Record<string, unknown> = {};
  for (const p of report.params)
    bound[p.name] = p.type.kind === 'int' ? neo4j.int(params[p.name] as number) : params[p.name];
  const { rows, columns } = await runReadOnlyCypher(graph, report.cypher, bound);
  return {
    report: report.name,
    title: report.title,
    params,
    columns: columns.length > 0 ? columns : report.columns,
    rows,
  };
}
