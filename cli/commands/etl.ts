import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerEtl(program: Command): void {
  pendingCommand(program, 'etl', 'Load and validate shop data into Neo4j', 3);
}
