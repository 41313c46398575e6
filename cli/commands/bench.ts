import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { notFound } from '../../core';
import { reportError } from '../runtime';

/** The benchmarks are scripts under bench/ (a newcomer can run them directly); this only finds and runs one. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'Run a benchmark script from bench/ (generate, etl, train, ...); it prints a table and can record it in docs/performance.md',
    )
    .argument('<name>', 'the benchmark: a file bench/<name>.ts')
    .argument('[args...]', 'arguments passed to the script (e.g. scales, --write, --json)')
    .allowUnknownOption(true)
    .helpOption('-h, --help', 'show this help; `graphrec bench <name> --help` is answered by the script')
    .action((name: string, args: string[]) => {
      const home = path.join(__dirname, '..', '..');
      const script = path.join(home, 'bench', `${name}.ts`);
      if (!/^[a-z][a-z0-9-]*$/.test(name) || !fs.existsSync(script)) {
        const known = fs
          .readdirSync(path.join(home, 'bench'))
          .filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f))
          .map((f) => f.replace(/\.ts$/, ''));
        reportError(
          notFound(`no benchmark named ${JSON.stringify(name)}; known: ${known.join(', ')}`, {
            field: 'name',
          }),
          args.includes('--json'),
        );
        return;
      }
      const res = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
        stdio: 'inherit',
        cwd: home,
      });
      process.exitCode = res.status ?? 1;
    });
}
