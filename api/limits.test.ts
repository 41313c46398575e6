import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { typeDefs } from './schema';
import { queryCost } from './limits';

const schema = buildSchema(typeDefs);
const cost = (q: string, vars: Record<string, unknown> = {}) => {
  const doc = parse(q);
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  return queryCost(schema, op, {}, vars, 100);
};

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
});
