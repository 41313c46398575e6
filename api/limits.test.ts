import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { typeDefs } from './schema';
import { measureDocument, queryCost, type DocumentLimits } from './limits';

const schema = buildSchema(typeDefs);
const cost = (q: string, vars: Record<string, unknown> = {}) => {
  const doc = parse(q);
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    doc.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d]] : [])),
  );
  return queryCost(schema, op, fragments, vars, 100);
};

const LIMITS: DocumentLimits = { maxDepth: 8, maxAliases: 100, maxSelections: 1000 };
const measure = (q: string, limits = LIMITS) => measureDocument(parse(q), limits);

/** Fragments F0..Fn where each spreads the next twice: expanded, F0 holds 2^n copies of the leaf. */
function doublingFragments(levels: number): string {
  const defs = [];
  for (let i = 0; i < levels; i++) defs.push(`fragment F${i} on Product { ...F${i + 1} ...F${i + 1} }`);
  defs.push(`fragment F${levels} on Product { id }`);
  return `{ product(id: "p1") { ...F0 } } ${defs.join(' ')}`;
}

describe('queryCost', () => {
  it('counts fields times the list sizes they sit in, sizing a page by its first', () => {
    // recommendations 1 + items 1 + 10 x (product 1 + id 1)
    expect(cost('{ recommendations(first: 10) { items { product { id } } } }')).toBe(1 + 1 + 10 * 2);
    expect(cost('query Q($n: Int) { recommendations(first: $n) { items { score } } }', { n: 5 })).toBe(
      1 + 1 + 5,
    );
  });

  it('multiplies nested lists and caps first at the maximum', () => {
    const q = '{ product(id: "p1") { boughtTogether(first: 1000) { boughtTogether(first: 100) { id } } } }';
    expect(cost(q)).toBe(1 + 1 + 100 * (1 + 100));
  });

  it('counts every alias as its own resolver call, __typename included', () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: __typename`).join(' ');
    expect(cost(`{ ${aliases} }`)).toBe(50);
    expect(cost('{ trending(first: 10) { items { __typename } } }')).toBe(1 + 1 + 10);
  });

  it('counts introspection like any other list of fields', () => {
    // __schema 1 + types 1 + 20 types x fields 1 + 20 x 20 fields x name 1
    expect(cost('{ __schema { types { fields { name } } } }')).toBe(1 + 1 + 20 + 400);
  });

  it('costs a spread fragment as if expanded, sized by the page it sits in', () => {
    const inline = cost('{ recommendations(first: 3) { items { product { id name } } } }');
    const spread = cost(
      '{ recommendations(first: 3) { ...R } } fragment R on Recommendations { items { ...P } } fragment P on RecItem { product { id name } }',
    );
    expect(spread).toBe(inline);
    const twice = cost(
      '{ a: recommendations(first: 3) { ...R } b: recommendations(first: 5) { ...R } } fragment R on Recommendations { items { score } }',
    );
    expect(twice).toBe(1 + 1 + 3 + (1 + 1 + 5));
  });

  it('costs fragments that spread each other twice per level as their expansion, without expanding them', () => {
    // 2^40 ids would never finish if expanded; memoised it is 41 fragment walks.
    expect(cost(doublingFragments(40))).toBe(1 + 2 ** 40);
  });
});

describe('measureDocument', () => {
  it('measures depth, aliases and selections of an ordinary storefront query', () => {
    const r = measure(
      '{ recommendations(first: 10) { recId items { product { id name category { id } } score } } }',
    );
    expect(r).toEqual({ ok: true, measure: { depth: 4, aliases: 0, selections: 9, visited: 9 } });
  });

  it('refuses fragments that spread each other 20 levels deep, twice each, visiting each node once', () => {
    const q = doublingFragments(20);
    expect(q.length).toBeLessThan(1024);
    const r = measure(q);
    expect(r).toEqual({
      ok: false,
      refusal: {
        rule: 'SELECTIONS',
        message: `the query selects ${1 + 2 ** 20} fields (fragments expanded), but at most 1000 are allowed`,
      },
    });
  });

  it('visits each selection once however many times its fragment is spread', () => {
    const visitedAt = (levels: number) => {
      const r = measure(doublingFragments(levels), { ...LIMITS, maxSelections: Number.MAX_SAFE_INTEGER });
      if (!r.ok) throw new Error(r.refusal.message);
      return r.measure.visited;
    };
    // Linear: each level adds its two spreads, not a doubling.
    expect(visitedAt(10)).toBe(2 + 2 * 10 + 1);
    expect(visitedAt(20) - visitedAt(10)).toBe(2 * 10);
  });

  it('refuses a fragment cycle, naming it, even when no operation spreads it', () => {
    expect(
      measure(
        '{ __typename } fragment A on Query { ...B } fragment B on Query { ...C } fragment C on Query { ...A }',
      ),
    ).toEqual({
      ok: false,
      refusal: {
        rule: 'FRAGMENT_CYCLE',
        message: 'fragments must not spread themselves, but got: A → B → C → A',
      },
    });
    expect(measure('{ ...A } fragment A on Query { __typename ...A }')).toMatchObject({
      ok: false,
      refusal: { rule: 'FRAGMENT_CYCLE', message: 'fragments must not spread themselves, but got: A → A' },
    });
  });

  it('refuses thousands of aliases, and counts aliases inside spread fragments per spread', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `a${i}: __typename`).join(' ');
    expect(measure(`{ ${many} }`)).toEqual({
      ok: false,
      refusal: {
        rule: 'ALIASES',
        message: 'the query selects 5000 aliased fields (fragments expanded), but at most 100 are allowed',
      },
    });
    const tenAliases = Array.from({ length: 10 }, (_, i) => `x${i}: id`).join(' ');
    const spreads = Array.from({ length: 11 }, () => '...P').join(' ');
    expect(
      measure(`{ product(id: "p1") { ${spreads} } } fragment P on Product { ${tenAliases} }`),
    ).toMatchObject({
      ok: false,
      refusal: { rule: 'ALIASES' },
    });
  });

  it('counts depth through fragments and refuses past the limit', () => {
    const nest = (n: number) => `${'parent { '.repeat(n)}id${' }'.repeat(n)}`;
    expect(measure(`{ category(id: "c1") { ${nest(7)} } }`)).toMatchObject({
      ok: true,
      measure: { depth: 8 },
    });
    expect(measure(`{ category(id: "c1") { ...C } } fragment C on Category { ${nest(8)} }`)).toEqual({
      ok: false,
      refusal: {
        rule: 'DEPTH',
        message: 'the query nests fields 9 deep below its root fields, but at most 8 is allowed',
      },
    });
  });

  it('leaves an unknown fragment to validation', () => {
    expect(measure('{ product(id: "p1") { ...Nope } }')).toMatchObject({ ok: true });
  });
});
