import { GraphrecError } from '../core';
import { parseDataSource } from './source';

const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof GraphrecError) return `${e.kind}: ${e.message}`;
  }
  throw new Error('expected a GraphrecError');
};

describe('--data sources (abuse)', () => {
  it('parses the graph with and without a namespace', () => {
    expect(parseDataSource('neo4j')).toEqual({ kind: 'neo4j', namespace: '' });
    expect(parseDataSource('neo4j:')).toEqual({ kind: 'neo4j', namespace: '' });
    expect(parseDataSource('neo4j:gowalla')).toEqual({ kind: 'neo4j', namespace: 'gowalla' });
    expect(parseDataSource('shop:/tmp/s')).toEqual({ kind: 'shop', dir: '/tmp/s' });
  });

  it.each([
    [
      'csv:/x',
      'VALIDATION: --data must look like lightgcn:DIR, shop:DIR, neo4j or neo4j:NAME, but got: "csv:/x"',
    ],
    [
      'neo4j:Bad Name',
      'VALIDATION: --data neo4j:NAME needs NAME to be a data set name (lower-case letters, digits, _ and -), but got: "Bad Name"',
    ],
  ])('refuses %s', (spec, expected) => {
    expect(message(() => parseDataSource(spec))).toBe(expected);
  });
});
