// Which query texts the pre-rendered path may serve, and what keys their answers (pure parts of prerendered.ts).
import { makeExecutableSchema } from '@graphql-tools/schema';
import { decodeRendered, encodeRendered, planArguments, planQuery } from './prerendered';
import { resolvers } from './resolvers';
import { typeDefs } from './schema';

const schema = makeExecutableSchema({ typeDefs, resolvers });
const plan = (q: string, op?: string) => planQuery(schema, 'fp', q, op);

const Q = `query R($u: ID, $n: Int, $ex: Boolean!) {
  recommendations(userId: $u, first: $n) { recId items { ...I score @include(if: $ex) } }
}
fragment I on RecItem { product { id } }`;

describe('planQuery', () => {
  it('plans a query whose one root field is recommendations, noting the variables below it', () => {
    const p = plan(Q)!;
    expect(p).not.toBeNull();
    expect(p.field.name.value).toBe('recommendations');
    expect(p.otherVars).toEqual(['ex']);
    expect(plan('{ r: recommendations(first: 2) { recId } }')?.otherVars).toEqual([]);
  });

  it('names the text, the operation and the fingerprint in the plan id', () => {
    const id = plan(Q)!.id;
    expect(plan(`${Q} `)!.id).not.toBe(id);
    expect(planQuery(schema, 'other-limits', Q, undefined)!.id).not.toBe(id);
    expect(plan(Q, 'R')!.id).not.toBe(id);
  });

  it('leaves everything else to Apollo', () => {
    expect(plan('{ recommendations { recId } trending { items { score } } }')).toBeNull();
    expect(plan('{ trending { items { score } } }')).toBeNull();
    expect(plan('mutation { recommendations { recId } }')).toBeNull();
    expect(plan('{ recommendations { recId } ')).toBeNull(); // does not parse
    expect(plan('{ recommendations @skip(if: false) { recId } }')).toBeNull();
    expect(plan('query @x { recommendations { recId } }')).toBeNull();
    expect(plan('{ ...F } fragment F on Query { recommendations { recId } }')).toBeNull();
    const two = 'query A { recommendations { recId } } query B { trending { items { score } } }';
    expect(plan(two)).toBeNull();
    expect(plan(two, 'A')).not.toBeNull();
    expect(plan(two, 'B')).toBeNull();
    expect(plan(two, 'C')).toBeNull();
  });
});

describe('planArguments', () => {
  const p = plan(Q)!;

  it('coerces the arguments as graphql-js does, with defaults', () => {
    expect(planArguments(schema, p, { u: 42, n: 5, ex: true })?.args).toMatchObject({
      userId: '42',
      first: 5,
    });
    expect(planArguments(schema, p, { ex: true })?.args).toMatchObject({ first: 20 });
  });

  it('refuses variables that do not coerce (Apollo answers those)', () => {
    expect(planArguments(schema, p, { n: 'five', ex: true })).toBeNull();
    expect(planArguments(schema, p, { u: 'x' })).toBeNull(); // $ex is required
    expect(planArguments(schema, p, [1, 2])).toBeNull();
    expect(planArguments(schema, p, 'x')).toBeNull();
  });

  it('digests only the variables below the root field', () => {
    const a = planArguments(schema, p, { u: 'a', n: 3, ex: true })!.others;
    expect(planArguments(schema, p, { u: 'b', n: 4, ex: true })!.others).toBe(a);
    expect(planArguments(schema, p, { u: 'a', n: 3, ex: false })!.others).not.toBe(a);
  });
});

describe('the stored answer', () => {
  it('splices a fresh recId wherever the placeholder stood', () => {
    const head = { r: 'PLACEHOLDER-1', i: ['p1', 'p2'], s: [['embedding', 2]] as Array<[string, number]> };
    const raw = encodeRendered(head, '{"data":{"a":{"recId":"PLACEHOLDER-1"},"b":{"id":"PLACEHOLDER-1"}}}\n');
    const { head: back, body } = decodeRendered(raw, 'fresh');
    expect(back).toEqual(head);
    expect(body).toBe('{"data":{"a":{"recId":"fresh"},"b":{"id":"fresh"}}}\n');
  });
});
