// The API process loads the served model through model/'s door and nothing of training: no tfjs, no trainer, no
// training/ module at all (a tfjs import costs start-up time and memory on every API pod, and a trainer change
// must not be able to break serving). A fresh node process loads the API's entries, and the CLI registering
// `graphrec serve` as bin/graphrec.cjs does (tsx), then reports every module in its require cache.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const ENTRIES = ['api/index.ts', 'cli/commands/serve.ts'];

function loadedModules(entries: string[]): string[] {
  const script = [
    "require('tsx/cjs');",
    `for (const e of ${JSON.stringify(entries)}) require(require('node:path').resolve(e));`,
    "const { Command } = require('commander');",
    "const { registerCommands } = require(require('node:path').resolve('cli/commands/index.ts'));",
    "registerCommands(new Command('graphrec'), ['node', 'graphrec', 'serve']);",
    'process.stdout.write(JSON.stringify(Object.keys(require.cache)));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`loading ${entries.join(', ')} failed:\n${run.stderr}`);
  return (JSON.parse(run.stdout) as string[]).map((f) => path.relative(root, f));
}

describe('the API process', () => {
  const loaded = loadedModules(ENTRIES);

  it('loads the API and the model door (so the check below looks at a real load)', () => {
    expect(loaded).toContain('api/server.ts');
    expect(loaded).toContain('model/index.ts');
    expect(loaded).toContain(path.join('cli', 'commands', 'serve.ts'));
  });

  it('loads no tfjs module', () => {
    expect(loaded.filter((f) => f.split(path.sep).includes('@tensorflow'))).toEqual([]);
  });

  it('loads no module under training/', () => {
    expect(loaded.filter((f) => f.startsWith(`training${path.sep}`))).toEqual([]);
  });
});
