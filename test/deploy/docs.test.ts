// docs/deployment.md carries the table of environment variables; it must list exactly what core/config.ts reads,
// with the defaults config applies.
import { envDefaults, envKeys, readRepoFile } from './repo';

const doc = readRepoFile('docs/deployment.md');
const section = doc.slice(doc.indexOf('## Environment variables'));
const rows = [...section.matchAll(/^\| `([A-Z0-9_]+)`\s*\| ([^|]+?)\s*\|/gm)].map((m) => ({
  name: m[1],
  shown: m[2],
}));

/** How the table shows a default: `value`, (empty) for '', — for none. */
function render(v: unknown): string {
  if (v === undefined) return '—';
  if (v === '') return '(empty)';
  return `\`${String(v)}\``;
}

describe('docs/deployment.md environment table', () => {
  it('lists every variable of envSchema, once, in schema order', () => {
    expect(rows.map((r) => r.name)).toEqual([...envKeys]);
  });

  it.each(rows.map((r) => [r.name, r.shown]))('shows the default of %s', (name, shown) => {
    expect(shown).toBe(render(envDefaults[name]));
  });
});
