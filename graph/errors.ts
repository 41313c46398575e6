// Driver errors are translated once, here, into GraphrecError kinds with stable messages.
// The rest of the code never matches on raw Neo4j text.
import { Neo4jError } from 'neo4j-driver';
import { GraphrecError } from '../core';

const UNAVAILABLE_CODES = new Set([
  'ServiceUnavailable',
  'SessionExpired',
  'Neo.TransientError.General.DatabaseUnavailable',
]);

export function translateNeo4jError(err: unknown, queryName: string): GraphrecError {
  if (err instanceof GraphrecError) return err;
  if (err instanceof Neo4jError) {
    const code = err.code ?? '';
    if (UNAVAILABLE_CODES.has(code) || /ECONNREFUSED|connect|Connection was closed/i.test(err.message)) {
      return new GraphrecError(
        'UNAVAILABLE',
        `Neo4j is unavailable (${queryName}): ${firstLine(err.message)}`,
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
