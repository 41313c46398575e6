export { createGraphClient } from './client';
export type { GraphClient, NamedQuery, Params, ClientOptions, RowSink, StreamedRow } from './client';
export { runReadOnlyCypher } from './adhoc';
export type { AdhocResult } from './adhoc';
export { translateNeo4jError } from './errors';
export { toPlain, toNumber } from './values';
export { FORMATS, findReport, formatReport, listReports, resolveParams, runReport } from './reports';
export type { ReportFormat, ReportResult } from './reports';
