import { Command } from 'commander';
import { createGraphClient, runReadOnlyCypher } from '../../graph';
import { action, collect, parseParams } from '../runtime';

export function registerCypher(program: Command): void {
  program
    .command('cypher')
    .description(
      'Run an ad-hoc read-only Cypher query against the configured Neo4j and print its rows; LOAD CSV, ' +
        'procedures other than db.labels-style schema ones, administration commands and IN TRANSACTIONS are refused',
    )
    .argument('<query>', "Cypher text, e.g. 'MATCH (p:Product) RETURN p.id AS id LIMIT $n'")
    .option(
      '--param <k=v>',
      'a query parameter (repeatable); numbers, booleans and JSON are typed',
      collect,
      [],
    )
    .option('--json', 'print one JSON object on stdout: {"columns": [...], "rows": [{column: value}, ...]}')
    .action(
      action(
        async ({ config }, [query], opts) => {
          const client = createGraphClient(config.neo4j, { app: 'graphrec-cli' });
          try {
            return await runReadOnlyCypher(client, query, parseParams(opts.param as string[]));
          } finally {
            await client.close();
          }
        },
        ({ rows }) => (rows.length === 0 ? '(no rows)' : rows.map((r) => JSON.stringify(r)).join('\n')),
      ),
    );
}
