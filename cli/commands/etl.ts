import { Command } from 'commander';
import { createGraphClient } from '../../graph';
import { loadSource, LoadSummary, parseLoadOptions } from '../../etl';
import { action } from '../runtime';
import { registerEtlDataCommands } from './etlData';

const render = (s: LoadSummary) =>
  [
    `loaded ${s.source} (${s.format}, ${s.mode}) in ${s.seconds.toFixed(1)} s, ${s.rowsPerSecond} rows/s, peak RSS ${s.peakRssMb} MB`,
    ...Object.entries(s.files).map(
      ([name, f]) =>
        `  ${name.padEnd(18)} read ${f.read}, loaded ${f.loaded}, rejected ${f.rejected} (written now ${f.written}, committed before ${f.alreadyCommitted}) ${f.rowsPerSecond} rows/s`,
    ),
    s.quarantine ? `rejected rows: ${s.quarantine}` : 'no rows rejected',
  ].join('\n');

export function registerEtl(program: Command): void {
  const etl = program
    .command('etl')
    .description('Load and validate shop data into Neo4j, then split and features');
  etl
    .command('load')
    .description(
      'Validate and load a shop (synthetic files, an events CSV with a mapping, or LightGCN text) into Neo4j',
    )
    .option('--source <dir>', 'directory holding the files')
    .option('--format <format>', 'synthetic | events-csv | lightgcn (default synthetic)')
    .option('--mapping <file>', 'JSON mapping of the columns (events-csv)')
    .option('--batch-size <n>', 'rows per write transaction (default 10000)')
    .option(
      '--mode <mode>',
      'transactional | bulk (neo4j-admin import into an empty database of the local stack; stops and restarts its Neo4j) | auto (bulk when allowed). Default transactional',
    )
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action<LoadSummary>(async ({ config, logger }, _args, opts) => {
        const options = parseLoadOptions(opts);
        const graph = createGraphClient(config.neo4j, { app: 'graphrec-etl' });
        try {
          return await loadSource(options, {
            graph,
            logger,
            dataDir: config.dataDir,
            progressBar: config.progress,
            config,
          });
        } finally {
          await graph.close();
        }
      }, render),
    );
  registerEtlDataCommands(etl);
}
