// The GraphQL edge of errors: domain errors (core/errors.ts) become GraphQL errors with a stable
// `extensions.code`; anything unexpected becomes INTERNAL_SERVER_ERROR with a generic message (the details go
// to the log, never to the client, and no stack trace ever leaves the server).
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isGraphrecError, type ErrorKind } from '../core';

export type ApiErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  // The request itself, before or around GraphQL (transport.ts, queryLimits.ts).
  | 'BAD_REQUEST'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'TIMEOUT';

const CODE_FOR: Record<ErrorKind, ApiErrorCode> = {
  VALIDATION: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  CONFIG: 'INTERNAL_SERVER_ERROR',
  CONFLICT: 'BAD_USER_INPUT',
  CORRUPT: 'INTERNAL_SERVER_ERROR',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

export function apiError(
  code: ApiErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** Codes whose message is safe (and useful) to show to a client. */
const PUBLIC_CODES = new Set<string>([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'TIMEOUT',
]);

/** An HTTP status Apollo attached to an error about the request (`extensions.http`), if it is a 4xx. */
function clientStatus(error: unknown): number | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const status = (error.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** Apollo's formatError: translate domain errors, hide everything else. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (isGraphrecError(original)) {
    const code = CODE_FOR[original.kind];
    const pub = code !== 'INTERNAL_SERVER_ERROR';
    return {
      message: pub ? original.message : 'internal error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code, ...(pub && original.where.field ? { field: original.where.field } : {}) },
    };
  }
  // Apollo's refusals of a request (a persisted query's hash or version, say) carry a 4xx but no code.
  const own = error instanceof GraphQLError ? error.extensions?.code : undefined;
  const code = String(
    own ?? (clientStatus(error) ? 'BAD_REQUEST' : (formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR')),
  );
  if (PUBLIC_CODES.has(code)) {
    const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...ext, code } };
  }
  return {
    message: 'internal error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
