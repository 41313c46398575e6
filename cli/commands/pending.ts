// A subcommand whose module has not landed yet: it exists so `graphrec --help` shows the whole surface,
// and it fails loudly (exit 64) instead of pretending to work.
import { Command } from 'commander';
import { action } from '../runtime';
import { GraphrecError } from '../../core';

export function pendingCommand(program: Command, name: string, description: string, issue: number): Command {
  return program
    .command(name)
    .description(`${description} (not available yet: lands with issue #${issue})`)
    .option('--json', 'print one JSON summary on stdout')
    .allowUnknownOption(true)
    .argument('[args...]')
    .action(
      action(async () => {
        throw new GraphrecError(
          'INTERNAL',
          `'graphrec ${name}' is not available yet: it lands with issue #${issue}`,
        );
      }),
    );
}
