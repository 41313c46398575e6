import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerWorker(program: Command): void {
  pendingCommand(program, 'worker', 'Run the BullMQ job workers', 6);
}
