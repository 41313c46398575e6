import { isGraphrecError } from '../../core';
import { parseLoadOptions } from './index';
import { chooseMode, TargetFacts } from './mode';

const empty: TargetFacts = { format: 'synthetic', localStack: true, nodes: 0, foreignSchema: [] };
const refusal = (facts: Partial<TargetFacts>): unknown[] | string => {
  try {
    chooseMode('bulk', { ...empty, ...facts });
  } catch (err) {
    return isGraphrecError(err) ? [err.kind, err.message] : String(err);
  }
  return 'not refused';
};

describe('chooseMode', () => {
  it('takes bulk under auto only for an empty database of the local stack', () => {
    expect(chooseMode('auto', empty).mode).toBe('bulk');
    expect(chooseMode('auto', { ...empty, nodes: 3 })).toEqual({
      mode: 'transactional',
      reason:
        'bulk not possible: --mode bulk replaces the database, so it needs an empty one, but it holds 3 nodes',
    });
    expect(chooseMode('auto', { ...empty, localStack: false }).mode).toBe('transactional');
    expect(chooseMode('auto', { ...empty, format: 'lightgcn' }).mode).toBe('transactional');
    expect(chooseMode('transactional', empty).mode).toBe('transactional');
  });

  it('refuses an explicit bulk that would lose data or stop a server it does not own', () => {
    expect(refusal({ nodes: 1 })).toEqual([
      'CONFLICT',
      '--mode bulk replaces the database, so it needs an empty one, but it holds 1 nodes',
    ]);
    expect(refusal({ foreignSchema: ['product_embedding'] })).toEqual([
      'CONFLICT',
      '--mode bulk replaces the database, which would drop indexes the loader does not create: product_embedding',
    ]);
    expect(refusal({ localStack: false })[0]).toBe('CONFIG');
    expect(refusal({ format: 'events-csv' })).toEqual([
      'VALIDATION',
      '--mode bulk is only implemented for --format synthetic, but got: events-csv',
    ]);
    expect(refusal({})).toBe('not refused');
  });
});

describe('--mode', () => {
  it('defaults to transactional and names the allowed values', () => {
    expect(parseLoadOptions({ source: 'x' }).mode).toBe('transactional');
    expect(parseLoadOptions({ source: 'x', mode: 'auto' }).mode).toBe('auto');
    expect(() => parseLoadOptions({ source: 'x', mode: 'fast' })).toThrow(
      '--mode must be one of transactional, bulk, auto, but got: fast',
    );
  });
});
