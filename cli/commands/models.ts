import { Command } from 'commander';
import { pendingCommand } from './pending';

export function registerModels(program: Command): void {
  pendingCommand(program, 'models', 'List, publish and roll back model versions', 4);
}
