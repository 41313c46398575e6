// The report runner's public door: the catalogue of cypher/*.cypher reports, parameters, running, printing.
export { listReports, findReport, loadReport, DEFAULT_REPORT_DIR } from './catalog';
export type { Report } from './catalog';
export { parseHeader, coerceParam } from './header';
export type { ReportHeader, ReportParam, ParamType, ParamValue } from './header';
export { resolveParams, runReport } from './run';
export type { ReportResult } from './run';
export { formatReport, formatTable, formatCsv, FORMATS } from './format';
export type { ReportFormat } from './format';
