import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerReport(program: Command): void {
  pendingCommand(program, 'report', 'Run an analyst Cypher report from cypher/', 7);
}
