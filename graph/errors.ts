// Driver errors are translated once, here, into GraphrecError kinds with stable messages.
// The rest of the code never matches on raw Neo4j text.
import { Neo4jError } from 'neo4j-driver';
import { GraphrecError } from '../core';

const UNAVAILABLE_CODES = new Set([
  'ServiceUnavailable',
  'SessionExpired',
  'Neo.TransientError.General.DatabaseUnavailable',
]);

/**
 * `uri`, when given, is named in the UNAVAILABLE message (which server, or which routing seed, did not answer)
 * with any user:password@ taken out.
 */
export function translateNeo4jError(err: unknown, queryName: string, uri?: string): GraphrecError {
  if (err instanceof GraphrecError) return err;
  if (err instanceof Neo4jError) {
    const code = err.code ?? '';
    if (UNAVAILABLE_CODES.has(code) || /ECONNREFUSED|connect|Connection was closed/i.test(err.message)) {
      const where = uri === undefined ? 'Neo4j' : `Neo4j at ${withoutCredentials(uri)}`;
      return new GraphrecError(
        'UNAVAILABLE',
        `${where} is unavailable (${queryName}): ${firstLine(err.message)}`,
        {},
        { cause: err },
      );
    }
    if (code.startsWith('Neo.ClientError.Security')) {
      return new GraphrecError(
        'CONFIG',
        `Neo4j refused the credentials (${queryName}): check NEO4J_USER and NEO4J_PASSWORD`,
        { field: 'NEO4J_PASSWORD' },
        { cause: err },
      );
    }
    if (code.startsWith('Neo.ClientError.Schema.ConstraintValidationFailed')) {
      return new GraphrecError('CONFLICT', `${queryName}: ${firstLine(err.message)}`, {}, { cause: err });
    }
    if (code.startsWith('Neo.ClientError.Statement')) {
      return new GraphrecError('VALIDATION', `${queryName}: ${firstLine(err.message)}`, {}, { cause: err });
    }
    if (code.startsWith('Neo.TransientError')) {
      return new GraphrecError(
        'UNAVAILABLE',
        `${queryName}: transient Neo4j error ${code}: ${firstLine(err.message)}`,
        {},
        { cause: err },
      );
    }
    return new GraphrecError(
      'INTERNAL',
      `${queryName}: Neo4j error ${code}: ${firstLine(err.message)}`,
      {},
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GraphrecError('INTERNAL', `${queryName}: ${message}`, {}, { cause: err });
}

const firstLine = (s: string) => s.split('\n')[0];

/** The URI as it can be logged: neo4j://user:secret@host:7687 becomes neo4j://host:7687. */
export function withoutCredentials(uri: string): string {
  // Up to the last @ of the whole URI: a password typed raw may hold @, / or ?, and none of it may leak.
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri)?.[0] ?? '';
  return scheme + uri.slice(Math.max(scheme.length, uri.lastIndexOf('@') + 1));
}
