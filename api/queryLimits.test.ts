import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { ApiContext } from './context';
import { createDocumentGate, queryLimitsPlugin } from './queryLimits';

const typeDefs = `type Query { slow: Item! items(first: Int): [Item!]! }
type Item { id: ID! child: Item }`;

function serverWith(clock: () => number, calls: string[]) {
  const resolvers = {
    Query: {
      slow: () => (calls.push('slow'), { id: 's' }),
      items: (_: unknown, a: { first?: number }) =>
        Array.from({ length: a.first ?? 3 }, (_x, i) => ({ id: `i${i}` })),
    },
    Item: { child: (p: { id: string }) => (calls.push(`child:${p.id}`), { id: `${p.id}c` }) },
  };
  return new ApolloServer<ApiContext>({
    schema: makeExecutableSchema({ typeDefs, resolvers }),
    plugins: [queryLimitsPlugin({ maxCost: 50, maxFirst: 10, budgetMs: 100 }, clock)],
  });
}

const result = async (server: ApolloServer<ApiContext>, query: string) => {
  const r = await server.executeOperation({ query }, { contextValue: {} as ApiContext });
  if (r.body.kind !== 'single') throw new Error('expected a single result');
  return { status: r.http.status, ...r.body.singleResult };
};

describe('queryLimitsPlugin', () => {
  it('fails the resolvers that would start after the time budget with TIMEOUT, and runs nothing below them', async () => {
    const calls: string[] = [];
    const server = serverWith(() => 0, calls);
    await server.start();
    const r = await result(server, '{ slow { id child { id child { id } } } }');
    expect(r.errors).toBeUndefined();
    expect(calls).toEqual(['slow', 'child:s', 'child:sc']);
    calls.length = 0;
    // The clock reads 0 when execution starts and when the root field's resolver starts, then 500: past the
    // budget. The clock is only read for fields with a resolver: `id` is read off the result already there.
    const clock = [0, 0, 500];
    const late = serverWith(() => clock.shift() ?? 500, calls);
    await late.start();
    const r2 = await result(late, '{ slow { id child { id child { id } } } }');
    expect(r2.errors).toMatchObject([
      {
        message: 'the request used up its time budget of 100 ms before this field',
        path: ['slow', 'child'],
        extensions: { code: 'TIMEOUT' },
      },
    ]);
    expect(r2.data).toEqual({ slow: { id: 's', child: null } });
    expect(calls).toEqual(['slow']);
    await server.stop();
    await late.stop();
  });

  it('refuses a query over its cost with HTTP 400, counting aliases', async () => {
    const server = serverWith(() => 0, []);
    await server.start();
    const aliases = Array.from({ length: 51 }, (_, i) => `a${i}: __typename`).join(' ');
    const r = await result(server, `{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]).toMatchObject({
      message: 'the query costs 51 (fields times list sizes), but at most 50 is allowed',
      extensions: { code: 'BAD_USER_INPUT', field: 'query' },
    });
    await server.stop();
  });

  it('refuses an operation whose root type the schema does not have with HTTP 400', async () => {
    const server = serverWith(() => 0, []);
    await server.start();
    const r = await result(server, 'subscription { slow { id } }');
    expect(r.status).toBe(400);
    expect(r.errors?.[0]).toMatchObject({
      message: 'the operation must be a query or a mutation, but got: subscription',
      extensions: { code: 'BAD_REQUEST' },
    });
    await server.stop();
  });
});

describe('createDocumentGate', () => {
  const gate = () => createDocumentGate({ maxTokens: 200, maxDepth: 3, maxAliases: 2, maxSelections: 20 });

  it('refuses a document over a limit and passes the rest, unparsable text included (Apollo answers it)', () => {
    const check = gate();
    expect(check('{ a: x b: x c: x }')).toMatchObject({ rule: 'ALIASES' });
    expect(check('{ a { b { c { d { e } } } } }')).toMatchObject({ rule: 'DEPTH' });
    expect(check('{ a b c }')).toBeNull();
    expect(check('{ a ')).toBeNull();
    expect(check(42)).toBeNull();
    // Over the token limit: parsing stops early; Apollo's own parse (same limit) reports it.
    expect(check(`{ ${'a '.repeat(500)} }`)).toBeNull();
  });
});
