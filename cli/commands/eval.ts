import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerEval(program: Command): void {
  pendingCommand(program, 'eval', 'Evaluate a trained model version', 4);
}
