import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerGenerate(program: Command): void {
  pendingCommand(program, 'generate', 'Generate a deterministic synthetic shop (users, products, sessions, events)', 3);
}
