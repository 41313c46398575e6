import type { Command } from 'commander';

type Register = (program: Command) => void;

// require, not import(): it runs under tsx's CommonJS hook and in the compiled dist/ alike, and stays synchronous.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = <T>(file: string): T => require(file) as T;

// Each command's module is loaded only when that command runs: `graphrec serve` must not load the trainer and
// tfjs that `train` needs (api/loadsNoTraining.test.ts), and every command starts faster for it. Help and an
// unknown name load them all, so commander can list and suggest.
const COMMANDS: Record<string, () => Register> = {
  stack: () => load<typeof import('./stack')>('./stack').registerStack,
  cypher: () => load<typeof import('./cypher')>('./cypher').registerCypher,
  generate: () => load<typeof import('./generate')>('./generate').registerGenerate,
  etl: () => load<typeof import('./etl')>('./etl').registerEtl,
  train: () => load<typeof import('./train')>('./train').registerTrain,
  eval: () => load<typeof import('./eval')>('./eval').registerEval,
  models: () => load<typeof import('./models')>('./models').registerModels,
  serve: () => load<typeof import('./serve')>('./serve').registerServe,
  worker: () => load<typeof import('./worker')>('./worker').registerWorker,
  report: () => load<typeof import('./report')>('./report').registerReport,
  bench: () => load<typeof import('./bench')>('./bench').registerBench,
  refresh: () => load<typeof import('./refresh')>('./refresh').registerRefresh,
  ab: () => load<typeof import('./ab')>('./ab').registerAb,
  users: () => load<typeof import('./users')>('./users').registerUsers,
  analytics: () => load<typeof import('./analytics')>('./analytics').registerAnalytics,
  redis: () => load<typeof import('./redis')>('./redis').registerRedis,
};

/** Register the command `argv` names (argv as process.argv: node, script, command, ...), or every command. */
export function registerCommands(program: Command, argv: readonly string[] = []): void {
  const named = argv[2];
  const names = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  for (const name of names) COMMANDS[name]()(program);
}
