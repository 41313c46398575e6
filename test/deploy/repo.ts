// Shared by the deployment tests: repo files, the config contract (envSchema), and compose-style interpolation.
import fs from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../core';

export const repoRoot = path.resolve(__dirname, '..', '..');

export function readRepoFile(rel: string): string {
  return fs.readFileSync(path.join(repoRoot, rel), 'utf8');
}

/** Every environment variable graphrec reads. */
export const envKeys: ReadonlySet<string> = new Set(Object.keys(envSchema.shape));

/** The defaults core/config.ts applies when a variable is unset (ports as numbers, sizes as strings). */
export const envDefaults: Readonly<Record<string, unknown>> = envSchema.parse({});

/** Names in `names` that graphrec does not read, sorted (so a failing test prints a stable list). */
export function unknownEnvNames(names: Iterable<string>): string[] {
  return [...new Set(names)].filter((n) => !envKeys.has(n)).sort();
}

/** `envSchema.safeParse` of an environment, with its issues as "NAME: message" lines. */
export function envIssues(env: Record<string, string>): string[] {
  const parsed = envSchema.safeParse(env);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
}

const interpolation = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

export interface Interpolation {
  name: string;
  /** `:-`/`-` (default), `:?`/`?` (required), or undefined for a bare `${NAME}`. */
  op?: string;
  arg?: string;
}

/** The `${...}` references in a compose value. `$${...}` is an escape for the container's shell, not one. */
export function interpolations(value: string): Interpolation[] {
  const out: Interpolation[] = [];
  for (const m of value.replace(/\$\$/g, '').matchAll(interpolation)) {
    out.push({ name: m[1], op: m[2], arg: m[3] });
  }
  return out;
}

/** Resolve `${NAME}`, `${NAME:-default}` and `${NAME:?message}` the way docker compose does. */
export function interpolate(value: string, vars: Record<string, string>): string {
  // `$$` is an escape for a literal `$`: resolve each piece between escapes on its own.
  return value
    .split('$$')
    .map((piece) =>
      piece.replace(interpolation, (_all, name: string, op?: string, arg?: string) => {
        const v = vars[name];
        // With a colon, an empty value counts as unset (compose semantics).
        const missing = v === undefined || (op !== undefined && op.startsWith(':') && v === '');
        if (op?.endsWith('?') && missing) throw new Error(`${name} is required: ${arg ?? ''}`);
        if (op?.endsWith('-') && missing) return arg ?? '';
        return v ?? '';
      }),
    )
    .join('$');
}

/** KEY=value lines of a dotenv file (comments and blank lines skipped). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

/** Names that carry secrets: passwords, API keys, tokens, Neo4j's user/password pair. */
export const isSecretName = (name: string): boolean =>
  /PASSWORD|SECRET|TOKEN|_KEYS?$|^NEO4J_AUTH$/.test(name);

/**
 * Secret-named entries whose value is written into the file instead of coming from a variable: the value must
 * be made of `${VAR}` references (a required one or an empty default), plus at most Neo4j's `neo4j/` user prefix.
 */
export function literalSecrets(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([k]) => isSecretName(k))
    .filter(([, v]) => {
      const refs = interpolations(v);
      const leftover = v.replace(/\$\$/g, '').replace(interpolation, '');
      const literalDefault = refs.some((r) => r.op?.endsWith('-') && (r.arg ?? '') !== '');
      const onlyUser = leftover === '' || leftover === 'neo4j/';
      return v !== '' && (refs.length === 0 || literalDefault || !onlyUser);
    })
    .map(([k]) => k)
    .sort();
}
