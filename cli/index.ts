// The public door of cli/: the command table (cli/main.ts is the process entry that runs it).
export { registerCommands } from './commands';
