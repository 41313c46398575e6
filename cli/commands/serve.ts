import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerServe(program: Command): void {
  pendingCommand(program, 'serve', 'Serve the GraphQL API', 5);
}
