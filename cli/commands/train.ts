import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerTrain(program: Command): void {
  pendingCommand(program, 'train', 'Train a recommendation model', 4);
}
