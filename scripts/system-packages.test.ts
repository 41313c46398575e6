// scripts/system-packages.sh is the one list of Debian packages that .ci/run and quickstart install. Its functions
// run here against stub commands on a private PATH: which packages are missing, what a non-root user is told to
// run, and what apt-get is asked for as root (a stub that records its arguments; nothing is installed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const library = path.join(root, 'scripts', 'system-packages.sh');

let bin: string;
let aptLog: string;

/** An executable stub on the private PATH; `body` is its shell code. */
function stub(name: string, body = 'exit 0'): void {
  const file = path.join(bin, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
}

function run(fn: string) {
  // --norc: bash reads ~/.bashrc when its stdin looks like a network connection (node's pipes are sockets).
  return spawnSync('/bin/bash', ['--norc', '-c', `source "${library}" && ${fn}`], {
    env: { PATH: bin },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
}

const aptCalls = () => (fs.existsSync(aptLog) ? fs.readFileSync(aptLog, 'utf8').trim().split('\n') : []);

beforeEach(() => {
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-syspkg-'));
  aptLog = path.join(bin, 'apt.log');
  stub('apt-get', `echo "$*" >> "${aptLog}"`);
  stub('id', 'echo 0');
});
afterEach(() => fs.rmSync(bin, { recursive: true, force: true }));

describe('scripts/system-packages.sh', () => {
  it('names the package of each missing command', () => {
    expect(run('missing_system_packages').stdout).toBe(
      'redis-server\nmaven\nopenjdk-17-jre-headless\nchromium\n',
    );
    for (const cmd of ['redis-server', 'mvn', 'java', 'chromium']) stub(cmd);
    expect(run('missing_system_packages').stdout).toBe('');
  });

  it('installs nothing when nothing is missing', () => {
    for (const cmd of ['redis-server', 'mvn', 'java', 'chromium']) stub(cmd);
    const res = run('install_system_packages');
    expect(res.status).toBe(0);
    expect(aptCalls()).toEqual([]);
  });

  it('as root, installs only the missing packages with apt-get', () => {
    stub('mvn');
    stub('java');
    const res = run('install_system_packages');
    expect(res.status).toBe(0);
    expect(aptCalls()).toEqual(['update -qq', 'install -y -qq redis-server chromium']);
  });

  it('as another user, prints the exact apt-get command and stops without installing', () => {
    stub('id', 'echo 1000');
    stub('mvn');
    stub('java');
    const res = run('install_system_packages');
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(
      'graphrec needs redis-server chromium, and installing them takes root. Run this as root, then run this again:\n' +
        '  apt-get update && apt-get install -y redis-server chromium\n',
    );
    expect(aptCalls()).toEqual([]);
  });

  it('as root without apt-get, says so and stops', () => {
    fs.rmSync(path.join(bin, 'apt-get'));
    const res = run('install_system_packages');
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(
      'graphrec needs redis-server maven openjdk-17-jre-headless chromium, and this machine has no apt-get: install them with its package manager.\n',
    );
  });

  it.each(['.ci/run', 'scripts/quickstart.sh'])('is what %s installs with', (file) => {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    expect(text).toContain('source scripts/system-packages.sh');
    expect(text).toMatch(/^install_system_packages\b/m);
    expect(text).not.toMatch(/apt-get install/);
  });
});
