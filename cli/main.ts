// `graphrec`: one CLI, one file per subcommand under cli/commands/. Each parses its flags, builds its
// dependencies and calls into a module; no logic lives here.
import { Command } from 'commander';
import { registerCommands } from './commands';

const program = new Command('graphrec')
  .description('Graph-based product recommendations: Neo4j graph, LightGCN embeddings, GraphQL serving')
  .showHelpAfterError()
  .enablePositionalOptions();

registerCommands(program, process.argv);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`graphrec: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 64;
});
