import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerBench(program: Command): void {
  pendingCommand(program, 'bench', 'Run a benchmark and record it in docs/performance.md', 3);
}
