// Errors are values with a kind. Domain code throws these; only the edges (CLI, GraphQL) turn them into
// exit codes or GraphQL error codes. `where` carries what a user needs to find the problem (file, line, field).

export type ErrorKind =
  'CONFIG' | 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE' | 'CORRUPT' | 'INTERNAL';

export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class GraphrecError extends Error {
  readonly kind: ErrorKind;
  readonly where: ErrorLocation;

  constructor(kind: ErrorKind, message: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GraphrecError';
    this.kind = kind;
    this.where = where;
  }

  /** `file:line: field: message`, the form editors and humans both read. */
  describe(): string {
    const place = [this.where.file, this.where.line].filter((p) => p !== undefined).join(':');
    const field = this.where.field ? `${this.where.field}: ` : '';
    return `${place ? `${place}: ` : ''}${field}${this.message}`;
  }
}

export const configError = (message: string, field?: string) =>
  new GraphrecError('CONFIG', message, field ? { field } : {});
export const validationError = (message: string, where: ErrorLocation = {}) =>
  new GraphrecError('VALIDATION', message, where);
export const notFound = (message: string, where: ErrorLocation = {}) =>
  new GraphrecError('NOT_FOUND', message, where);
export const unavailable = (message: string, cause?: unknown) =>
  new GraphrecError('UNAVAILABLE', message, {}, { cause });
export const corrupt = (message: string, where: ErrorLocation = {}) =>
  new GraphrecError('CORRUPT', message, where);

export function isGraphrecError(e: unknown): e is GraphrecError {
  return e instanceof GraphrecError;
}

/** Exit codes the CLI uses, by kind: scripts can tell "bad input" from "service down". */
export const exitCodeFor: Record<ErrorKind, number> = {
  CONFIG: 78,
  VALIDATION: 65,
  NOT_FOUND: 66,
  CONFLICT: 75,
  UNAVAILABLE: 69,
  CORRUPT: 74,
  INTERNAL: 70,
};
