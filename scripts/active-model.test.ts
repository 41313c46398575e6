// quickstart trains only when no model is active, and decides that by piping `graphrec models list --json`
// into scripts/active-model.cjs. This runs that very pipe on a real registry, so a change to either side (the
// listing's shape, or what the script reads) fails here instead of retraining on every quickstart.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publishFixtureModel } from '../api/testing/fixture';

const root = path.resolve(__dirname, '..');
const script = path.join(root, 'scripts', 'active-model.cjs');

function activeModelOf(dataDir: string): string {
  const listing = execFileSync(
    process.execPath,
    [path.join(root, 'bin', 'graphrec.cjs'), 'models', 'list', '--json'],
    {
      env: { ...process.env, GRAPHREC_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    },
  );
  return execFileSync(process.execPath, [script], { input: listing, encoding: 'utf8' });
}

describe('scripts/active-model.cjs on what `graphrec models list --json` prints', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-active-model-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints nothing when no model is active, so quickstart trains', () => {
    expect(activeModelOf(dataDir)).toBe('');
  });

  it('prints the active version, so quickstart skips training', () => {
    const version = publishFixtureModel(dataDir, { ns: 'qs', id: (l) => `qs_${l}`, version: '' });
    expect(version).not.toBe('');
    expect(activeModelOf(dataDir)).toBe(version);
  });

  it('stops on a listing it does not understand instead of reading it as "no model"', () => {
    const res = spawnSync(process.execPath, [script], {
      input: JSON.stringify({ active: { version: 'x' } }),
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      'active-model: expected "active" to be a version string or null in `graphrec models list --json`, but got: {"version":"x"}\n',
    );
  });

  it('is what quickstart reads the active model with', () => {
    const quickstart = fs.readFileSync(path.join(root, 'scripts', 'quickstart.sh'), 'utf8');
    expect(quickstart).toContain('VERSION="$(g models list --json | node scripts/active-model.cjs)"');
  });
});
