// ESLint rule `graphrec/doors`: a part (a top-level folder) reaches another part only through its door, the
// folder's index.ts. `import … from '../training'` is allowed; `'../training/context/tables'` is not, because
// what a part keeps past its door may change without notice to the others.
// Test code (*.test.ts, a part's testing/ folder, test/) and the benchmarks (bench/, harnesses like the tests) may
// also use another part's testing/ helpers and the shared test/support door: those are built to be imported by
// other parts' tests, and never by what ships.
// Only relative specifiers are checked; packages are not parts.
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

const isTestCode = (rel) =>
  /\.test\.ts$/.test(rel) ||
  rel.split('/').includes('testing') ||
  rel.startsWith('test/') ||
  rel.startsWith('bench/');

/** Why `target` (repo-relative, no extension) is past its part's door for code in `from`, or undefined. */
function pastDoor(from, target) {
  const [fromPart] = from.split('/');
  const [toPart, ...rest] = target.split('/');
  if (toPart === fromPart || toPart === '..' || rest.length === 0) return undefined;
  const inside = rest.join('/');
  if (inside === 'index') return undefined;
  const testDoor =
    rest[0] === 'testing' || (toPart === 'test' && (inside === 'support' || inside === 'support/index'));
  if (isTestCode(from) && testDoor) return undefined;
  return { toPart, inside };
}

module.exports = {
  pastDoor,
  rule: {
    meta: {
      type: 'problem',
      docs: {
        description: 'import another part only through its door (its index.ts), see docs/architecture.md',
      },
      schema: [],
      messages: {
        pastDoor:
          "'{{spec}}' reaches past {{toPart}}/'s door (into {{toPart}}/{{inside}}): import '{{door}}' and export what you need from {{toPart}}/index.ts",
      },
    },
    create(context) {
      const file = context.filename ?? context.getFilename();
      const from = path.relative(ROOT, file).split(path.sep).join('/');
      if (from.startsWith('..')) return {};
      const check = (node) => {
        if (!node || node.type !== 'Literal' || typeof node.value !== 'string' || !node.value.startsWith('.'))
          return;
        const abs = path.resolve(path.dirname(file), node.value);
        const target = path.relative(ROOT, abs).split(path.sep).join('/').replace(/\.ts$/, '');
        const past = pastDoor(from, target);
        if (!past) return;
        const door = path
          .relative(path.dirname(file), path.join(ROOT, past.toPart))
          .split(path.sep)
          .join('/');
        context.report({ node, messageId: 'pastDoor', data: { spec: node.value, door, ...past } });
      };
      return {
        ImportDeclaration: (n) => check(n.source),
        ExportNamedDeclaration: (n) => check(n.source),
        ExportAllDeclaration: (n) => check(n.source),
        ImportExpression: (n) => check(n.source),
        CallExpression: (n) => {
          const callee = n.callee;
          const isRequire = callee.type === 'Identifier' && callee.name === 'require';
          const isMock =
            callee.type === 'MemberExpression' &&
            callee.object.name === 'jest' &&
            callee.property.name === 'mock';
          if (isRequire || isMock) check(n.arguments[0]);
        },
      };
    },
  },
};
