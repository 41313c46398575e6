import fs from 'node:fs';
import path from 'node:path';

// A copy elsewhere is what this module exists to prevent; each pattern is a declaration of one of its lists or
// maps (not a use such as a Cypher pattern `VIEWED|ADDED_TO_CART|PURCHASED` or one property name).
const q = `['"]`;
const seq = (...words: string[]) => new RegExp(words.map((w) => `${q}${w}${q}`).join('\\s*,\\s*'));
const COPY_PATTERNS: [what: string, re: RegExp][] = [
  ['event types', seq('view', 'cart', 'purchase')],
  ['relationship types', seq('VIEWED', 'ADDED_TO_CART', 'PURCHASED')],
  ['event type to relationship map', /\b(view|cart|purchase)\s*:\s*['"](VIEWED|ADDED_TO_CART|PURCHASED)['"]/],
  ['relationship type to index map', /\bADDED_TO_CART\s*:\s*1\b/],
  ['regions', seq('nordics', 'benelux')],
  ['region names', /\bnordics\s*:\s*['"]Nordics['"]/],
  ['loyalty tiers', seq('none', 'silver', 'gold')],
  ['loyalty tier names', /\bsilver\s*:\s*['"]Silver['"]/],
  ['age bands', seq('18-24', '25-34')],
  ['genders', seq('F', 'M', 'X')],
  ['categories.csv header', seq('category_id', 'parent_id')],
  ['brands.csv header', seq('brand_id', 'name', 'tier')],
  ['products.csv header', seq('product_id', 'name', 'category_id')],
  ['users.csv header', seq('user_id', 'signup_at')],
  ['sessions.csv header', seq('session_id', 'user_id', 'started_at')],
  ['events.csv header', seq('event_id', 'session_id', 'user_id')],
];

const ROOT = path.resolve(__dirname, '..');
/** The parts' source; tests may spell expected values on purpose, so *.test.ts files are not scanned. */
const SCANNED = ['etl', 'events', 'training', 'api', 'core', 'jobs', 'cli', 'graph', 'monitoring', 'privacy'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

function copiesOfVocabulary(files: { file: string; text: string }[]): string[] {
  return files.flatMap(({ file, text }) =>
    COPY_PATTERNS.filter(([, re]) => re.test(text)).map(([what]) => `${file}: ${what}`),
  );
}

describe('no copy of the vocabulary', () => {
  it('finds a copy when there is one', () => {
    const copy = `const REL = { view: 'VIEWED', cart: 'ADDED_TO_CART', purchase: 'PURCHASED' } as const;
const T = ['view', 'cart', 'purchase'];`;
    expect(copiesOfVocabulary([{ file: 'x.ts', text: copy }])).toEqual([
      'x.ts: event types',
      'x.ts: event type to relationship map',
    ]);
    const cypher = `MATCH (u)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(p) RETURN r.${'user_id'}`;
    expect(copiesOfVocabulary([{ file: 'y.ts', text: cypher }])).toEqual([]);
  });

  it('is declared only in core/vocabulary.ts', () => {
    const files = SCANNED.flatMap((d) => sourceFiles(path.join(ROOT, d)))
      .filter((f) => f !== path.join(ROOT, 'core', 'vocabulary.ts'))
      .map((f) => ({ file: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') }));
    expect(copiesOfVocabulary(files)).toEqual([]);
  });
});
