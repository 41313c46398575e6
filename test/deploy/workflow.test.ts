// The hosted pipeline cannot run here; its shape is checked: the jobs, what they run, the services the tests
// need, and that deploy only happens from main after every gate.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { Command } from 'commander';
import { z } from 'zod';
import { registerCommands } from '../../cli';
import { readRepoFile, repoRoot, unknownEnvNames } from './repo';

const step = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  if: z.string().optional(),
  run: z.string().optional(),
  uses: z.string().optional(),
});
const job = z.object({
  needs: z.array(z.string()).optional(),
  if: z.string().optional(),
  environment: z.string().optional(),
  services: z
    .record(z.string(), z.object({ image: z.string(), env: z.record(z.string(), z.string()).optional() }))
    .optional(),
  env: z.record(z.string(), z.string()).optional(),
  steps: z.array(step),
});
const text = readRepoFile('.github/workflows/ci.yml');
const workflow = z.object({ name: z.string(), jobs: z.record(z.string(), job) }).parse(parse(text));
const jobOf = (name: string) => {
  const j = workflow.jobs[name];
  if (!j) throw new Error(`ci.yml has no job ${name}`);
  return j;
};
const runs = (name: string) => jobOf(name).steps.flatMap((s) => (s.run ? [s.run] : []));
const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;

describe('.github/workflows/ci.yml', () => {
  it('has the lint, typecheck, test, manifests, image, train-gate and deploy jobs', () => {
    expect(Object.keys(workflow.jobs).sort()).toEqual(
      ['deploy', 'image', 'lint', 'manifests', 'test', 'train-gate', 'typecheck'].sort(),
    );
  });

  it('says it is the hosted pipeline and that .ci/run stays the local truth', () => {
    expect(text).toMatch(/Hosted pipeline/);
    expect(text).toMatch(/\.ci\/run` is/);
  });

  it('runs npm test in the test job, after npm ci', () => {
    const r = runs('test');
    expect(r).toContain('npm test');
    expect(r.indexOf('npm ci')).toBeLessThan(r.indexOf('npm test'));
  });

  it('runs only npm scripts that package.json defines', () => {
    const used = Object.keys(workflow.jobs)
      .flatMap(runs)
      .flatMap((r) => [...r.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]));
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((s) => !(s in scripts))).toEqual([]);
    expect(runs('lint')).toContain('npm run lint');
    expect(runs('typecheck')).toContain('npm run typecheck');
  });

  it.each(['test', 'train-gate'])(
    'gives %s a real Neo4j 5.26 and Redis 7, and tells graphrec where they are',
    (name) => {
      const j = jobOf(name);
      expect(j.services?.neo4j.image).toBe('neo4j:5.26-community');
      expect(j.services?.redis.image).toBe('redis:7');
      const env = j.env ?? {};
      expect(unknownEnvNames(Object.keys(env).filter((k) => !/^MIN_/.test(k)))).toEqual([]);
      expect(env.NEO4J_URI).toBe('bolt://localhost:7687');
      expect(env.REDIS_URL).toBe('redis://localhost:6379');
      // the password is per run, and the one the service was started with
      expect(j.services?.neo4j.env?.NEO4J_AUTH).toBe(`neo4j/${env.NEO4J_PASSWORD}`);
      expect(env.NEO4J_PASSWORD).toMatch(/\$\{\{ github\.run_id \}\}/);
    },
  );

  it('gates training on a fixed, seeded data set', () => {
    const r = runs('train-gate').join('\n');
    for (const cmd of ['graphrec generate --seed', 'graphrec etl load', 'graphrec train', 'graphrec eval'])
      expect(r).toContain(cmd);
    expect(jobOf('train-gate').env?.MIN_NDCG_AT_20).toMatch(/^0\.\d+$/);
  });

  it('deploys from main only, after every gate, in a protected environment', () => {
    const d = jobOf('deploy');
    expect([...(d.needs ?? [])].sort()).toEqual(['image', 'manifests', 'train-gate']);
    expect(d.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(d.environment).toBe('production');
    const upstream = new Set(['image', 'train-gate', 'manifests'].flatMap((n) => jobOf(n).needs ?? []));
    expect([...upstream].sort()).toEqual(['lint', 'test', 'typecheck']);
  });

  it('rolls back on alert: a watch step, then a rollback step that runs only when the watch failed', () => {
    const steps = jobOf('deploy').steps;
    const watch = steps.filter((s) => s.run?.startsWith('.github/scripts/watch-alerts.sh'));
    expect(watch).toHaveLength(2);
    const rollbacks = steps.filter((s) => /rollout undo|models rollback|ab stop/.test(s.run ?? ''));
    expect(rollbacks.map((s) => s.name)).toEqual([
      'Roll the image back',
      'Stop the canary (everyone back on the active model, which was never replaced)',
    ]);
    const script = path.join(repoRoot, '.github/scripts/watch-alerts.sh');
    expect(fs.statSync(script).mode & 0o111).not.toBe(0);
    const ifs = steps.map((s) => s.if).filter(Boolean);
    expect(watch.map((s) => s.id)).toEqual(['watch-image', 'watch-canary']);
    expect(ifs).toEqual([
      "failure() && steps.watch-image.outcome == 'failure'",
      "failure() && steps.watch-canary.outcome == 'failure'",
    ]);
  });

  it('calls only graphrec commands and subcommands that exist', () => {
    const program = new Command();
    registerCommands(program);
    const calls = [
      ...readRepoFile('.github/workflows/ci.yml').matchAll(
        /(?:bin\/graphrec\.cjs|npx graphrec) ([a-z-]+)(?: ([a-z-]+))?/g,
      ),
    ];
    expect(calls.length).toBeGreaterThan(5);
    for (const [text, name, sub] of calls) {
      const cmd = program.commands.find((c) => c.name() === name);
      expect({ text, known: cmd !== undefined }).toEqual({ text, known: true });
      if (cmd && cmd.commands.length > 0)
        expect({ text, sub: cmd.commands.some((c) => c.name() === sub) }).toEqual({ text, sub: true });
    }
  });
});
