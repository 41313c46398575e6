// Printing a report: an aligned text table for people, CSV for spreadsheets, JSON for programs.
import { stringify } from 'csv-stringify/sync';
import type { ReportResult } from './run';

export const FORMATS = ['table', 'csv', 'json'] as const;
export type ReportFormat = (typeof FORMATS)[number];

const cell = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export function formatTable(columns: string[], rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const cells = rows.map((r) => columns.map((c) => cell(r[c]).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const numeric = columns.map((c) => rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function formatCsv(columns: string[], rows: Record<string, unknown>[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => cell(r[c]))),
    { header: true, columns },
  ).trimEnd();
}

export function formatReport(result: ReportResult, format: ReportFormat): string {
  switch (format) {
    case 'table':
      return `${result.title}\n\n${formatTable(result.columns, result.rows)}\n(${result.rows.length} rows)`;
    case 'csv':
      return formatCsv(result.columns, result.rows);
    case 'json':
      return JSON.stringify(result);
  }
}
