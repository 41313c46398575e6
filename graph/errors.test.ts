import { Neo4jError } from 'neo4j-driver';
import { translateNeo4jError } from './errors';

const neoErr = (code: string, message: string) => new Neo4jError(message, code, 'gql', 'desc');

describe('translateNeo4jError', () => {
  it.each([
    ['ServiceUnavailable', 'UNAVAILABLE'],
    ['Neo.ClientError.Security.Unauthorized', 'CONFIG'],
    ['Neo.ClientError.Statement.SyntaxError', 'VALIDATION'],
    ['Neo.ClientError.Schema.ConstraintValidationFailed', 'CONFLICT'],
    ['Neo.TransientError.Transaction.DeadlockDetected', 'UNAVAILABLE'],
    ['Neo.DatabaseError.General.UnknownError', 'INTERNAL'],
  ])('maps %s to %s and names the query', (code, kind) => {
    const err = translateNeo4jError(neoErr(code, 'boom\nsecond line'), 'etl.loadUsers');
    expect(err.kind).toBe(kind);
    expect(err.message).toContain('etl.loadUsers');
    expect(err.message).not.toContain('second line');
  });

  it('keeps the syntax error text for the analyst', () => {
    const err = translateNeo4jError(
      neoErr('Neo.ClientError.Statement.SyntaxError', "Invalid input 'RETRN'"),
      'cli.cypher',
    );
    expect(err.message).toBe("cli.cypher: Invalid input 'RETRN'");
  });
});

describe('an unavailable server', () => {
  const down = neoErr('ServiceUnavailable', 'Could not perform discovery. No routing servers available.');

  it('is named by its URI, without the user and password', () => {
    const err = translateNeo4jError(down, 'etl.knownIds', 'neo4j+s://ops:p@ss/w@rd@abcd.databases.neo4j.io');
    expect(err.kind).toBe('UNAVAILABLE');
    expect(err.message).toBe(
      'Neo4j at neo4j+s://abcd.databases.neo4j.io is unavailable (etl.knownIds): Could not perform discovery. No routing servers available.',
    );
  });

  it('keeps a URI without credentials as it is', () => {
    const err = translateNeo4jError(down, 'q', 'neo4j://core1:7687?policy=eu');
    expect(err.message).toMatch(/^Neo4j at neo4j:\/\/core1:7687\?policy=eu is unavailable \(q\): /);
  });
});
