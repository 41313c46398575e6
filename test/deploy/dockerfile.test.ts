// The Dockerfile cannot be built here (no Docker engine), so it is read: stages, user, port, health check,
// entrypoint, and the install steps whose order matters.
import fs from 'node:fs';
import path from 'node:path';
import { envOf, execForm, isRoot, parseInstructions, parseStages, runtimeUser, Stage } from './dockerfile';
import { envDefaults, readRepoFile, repoRoot, unknownEnvNames } from './repo';

const text = readRepoFile('Dockerfile');
const stages = parseStages(text);
const build = stages[0];
const runtime = stages[stages.length - 1];
const runs = (stage: Stage) => stage.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
const one = (stage: Stage, op: string) => {
  const found = stage.instructions.filter((i) => i.op === op);
  if (found.length !== 1)
    throw new Error(`expected one ${op} in stage ${stage.name ?? '?'}, found ${found.length}`);
  return found[0].args;
};

describe('Dockerfile reader', () => {
  it('joins continuations, skips comments and resolves FROM ${ARG}', () => {
    const sample = 'ARG BASE=node:20\n# c\nFROM ${BASE} AS b\nRUN a \\\n  # inner\n  && b\nUSER 0\n';
    expect(parseInstructions(sample).map((i) => [i.op, i.args])).toEqual([
      ['ARG', 'BASE=node:20'],
      ['FROM', '${BASE} AS b'],
      ['RUN', 'a && b'],
      ['USER', '0'],
    ]);
    const parsed = parseStages(sample);
    expect(parsed.map((s) => [s.name, s.base])).toEqual([['b', 'node:20']]);
    expect(isRoot(runtimeUser(parsed))).toBe(true);
    expect(isRoot(runtimeUser(parseStages('FROM x\n')))).toBe(true); // no USER means root
  });
});

describe('Dockerfile', () => {
  it('is multi-stage on node:20-bookworm-slim, with a build stage and a runtime stage', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of stages) expect(s.base).toBe('node:20-bookworm-slim');
  });

  it('runs npm ci, builds with tsconfig.build.json, prunes dev dependencies', () => {
    const cmds = runs(build).join('\n');
    expect(cmds).toMatch(/\bnpm ci\b/);
    expect(cmds).toMatch(/\bnpm run build\b/);
    expect(cmds).toMatch(/\bnpm prune --omit=dev\b/);
    expect(JSON.parse(readRepoFile('package.json')).scripts.build).toBe('tsc -p tsconfig.build.json');
  });

  it('installs @tensorflow/tfjs-node after the prune (which would remove it), at the locked tfjs version', () => {
    const r = runs(build);
    const install = r.findIndex((c) => /npm install .*@tensorflow\/tfjs-node@/.test(c));
    const prune = r.findIndex((c) => /npm prune/.test(c));
    expect(install).toBeGreaterThan(prune);
    const version = /@tensorflow\/tfjs-node@(\S+)/.exec(r[install])?.[1];
    const lock = JSON.parse(readRepoFile('package-lock.json')) as {
      packages: Record<string, { version: string }>;
    };
    expect(version).toBe(lock.packages['node_modules/@tensorflow/tfjs'].version);
    expect(version).toBe('4.22.0');
    // and says why it is not a package.json dependency
    expect(text).toMatch(/tfjs-node is deliberately NOT in package\.json/);
    expect(JSON.parse(readRepoFile('package.json')).dependencies['@tensorflow/tfjs-node']).toBeUndefined();
  });

  it('runs as a non-root user', () => {
    const user = runtimeUser(stages);
    expect(isRoot(user)).toBe(false);
    expect(one(runtime, 'RUN')).toMatch(new RegExp(`useradd .*${user}`));
  });

  it('exposes the API port and checks /healthz on it', () => {
    expect(one(runtime, 'EXPOSE')).toBe(String(envDefaults.API_PORT));
    const check = one(runtime, 'HEALTHCHECK');
    expect(check).toMatch(/--interval=\S+/);
    expect(execForm(check)?.join(' ')).toContain("process.env.API_PORT||4000)+'/healthz'");
  });

  it('sets the runtime environment graphrec reads, and nothing it does not', () => {
    const env = envOf(runtime);
    expect(env).toMatchObject({
      GRAPHREC_USE_DIST: '1',
      GRAPHREC_HOME: '/app',
      GRAPHREC_DATA_DIR: '/data',
      API_HOST: '0.0.0.0',
      API_PORT: String(envDefaults.API_PORT),
    });
    // GRAPHREC_USE_DIST is read by bin/graphrec.cjs before config exists; NODE_ENV by libraries.
    expect(unknownEnvNames(Object.keys(env))).toEqual(['GRAPHREC_USE_DIST', 'NODE_ENV']);
    expect(readRepoFile('bin/graphrec.cjs')).toContain("process.env.GRAPHREC_USE_DIST === '1'");
  });

  it('starts the CLI from dist/, serving by default', () => {
    expect(execForm(one(runtime, 'ENTRYPOINT'))).toEqual(['node', 'bin/graphrec.cjs']);
    expect(execForm(one(runtime, 'CMD'))).toEqual(['serve']);
    expect(fs.existsSync(path.join(repoRoot, 'bin/graphrec.cjs'))).toBe(true);
    const copies = runtime.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
    for (const needed of ['/app/node_modules', '/app/dist', '/app/bin', '/app/cypher']) {
      expect(copies.some((c) => c.startsWith('--from=build ') && c.includes(` ${needed} `))).toBe(true);
    }
  });
});

describe('.dockerignore', () => {
  const ignored = readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('keeps local state, dependencies and secrets out of the build context', () => {
    for (const p of ['node_modules', 'dist', '.data', '.git', '.env']) expect(ignored).toContain(p);
  });

  it('keeps what the build needs', () => {
    for (const p of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'bin',
      'cypher',
      'core',
    ]) {
      expect(ignored.filter((i) => i === p || p.startsWith(`${i}/`))).toEqual([]);
    }
  });
});
