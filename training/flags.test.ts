import { GraphrecError } from '../core';
import { parseEvalFlags, parseTrainFlags } from './flags';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GraphrecError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a GraphrecError');
}

describe('train flags (abuse)', () => {
  it('parses a full set of flags into trainer options', () => {
    const f = parseTrainFlags({
      model: 'mf',
      data: 'lightgcn:/d',
      timeBudget: '30',
      epochs: '5',
      lr: '0.01',
      init: 'normal',
      loss: 'bpr',
      itemDegree: '0.5',
      spectralPower: '1',
      refit: false,
    });
    expect(f).toEqual({
      model: 'mf',
      data: 'lightgcn:/d',
      backend: 'auto',
      trackTest: false,
      refit: false,
      options: {
        epochs: 5,
        timeBudgetSeconds: 1800,
        lr: 0.01,
        init: 'normal',
        loss: 'bpr',
        itemDegreeExponent: 0.5,
        spectralPower: 1,
      },
    });
  });

  it.each([
    [
      { data: 'x', model: 'gcn' },
      'VALIDATION: --model must be one of auto, lightgcn, mf, pop, trend, covisit, lightgcn-meta, ranker, but got: "gcn"',
    ],
    [{}, 'VALIDATION: --data is required, for example --data lightgcn:DIR, shop:DIR or neo4j'],
    [{ data: 'x', epochs: '0' }, 'VALIDATION: --epochs must be an integer >= 1, but got: "0"'],
    [{ data: 'x', epochs: '2.5' }, 'VALIDATION: --epochs must be an integer >= 1, but got: "2.5"'],
    [{ data: 'x', timeBudget: '-1' }, 'VALIDATION: --time-budget must be a number > 0, but got: "-1"'],
    [{ data: 'x', lr: 'fast' }, 'VALIDATION: --lr must be a number > 0 <= 10, but got: "fast"'],
    [{ data: 'x', itemDegree: '-1' }, 'VALIDATION: --item-degree must be a number >= 0 <= 2, but got: "-1"'],
    [
      { data: 'x', loss: 'hinge' },
      'VALIDATION: --loss must be one of bpr, softmax, full-softmax, but got: "hinge"',
    ],
    [
      { data: 'x', validUsers: '1.5' },
      'VALIDATION: --valid-users must be a number >= 0 <= 1, but got: "1.5"',
    ],
    [
      { data: 'x', backend: 'gpu' },
      'VALIDATION: --backend must be one of auto, tensorflow, wasm, cpu, but got: "gpu"',
    ],
    [
      { data: 'shop:/d', split: 'x.json' },
      'VALIDATION: --split applies to --data neo4j (shop: and lightgcn: sources split their own files), but got: --data shop:/d',
    ],
    [{ data: 'neo4j', split: '' }, 'VALIDATION: --split must be a manifest file or a split id, but got: ""'],
    [
      { data: 'shop:/d', model: 'ranker', newArrivalsBudget: '1' },
      'VALIDATION: --new-arrivals-budget must be a number >= 0 < 1, but got: "1"',
    ],
    [
      { data: 'shop:/d', model: 'ranker', newArrivalsBudget: '-0.01' },
      'VALIDATION: --new-arrivals-budget must be a number >= 0 < 1, but got: "-0.01"',
    ],
    [
      { data: 'shop:/d', model: 'ranker', newArrivalsBudget: '2%' },
      'VALIDATION: --new-arrivals-budget must be a number >= 0 < 1, but got: "2%"',
    ],
    [
      { data: 'shop:/d', model: 'lightgcn-meta', newArrivalsBudget: '0.02' },
      "VALIDATION: --new-arrivals-budget tunes the ranker's new-arrivals quota, so it needs --model ranker, but got: --model lightgcn-meta",
    ],
  ])('refuses %j', (raw, expected) => {
    expect(message(() => parseTrainFlags(raw))).toBe(expected);
  });

  it('passes --new-arrivals-budget through for the ranker (0 = pure NDCG tuning; absent = the default)', () => {
    const ranker = { model: 'ranker', data: 'shop:/d' };
    expect(parseTrainFlags({ ...ranker, newArrivalsBudget: '0' }).newArrivalsBudget).toBe(0);
    expect(parseTrainFlags({ ...ranker, newArrivalsBudget: '0.05' }).newArrivalsBudget).toBe(0.05);
    expect(parseTrainFlags(ranker)).not.toHaveProperty('newArrivalsBudget');
  });

  it('requires --version and --data for eval', () => {
    expect(message(() => parseEvalFlags({ data: 'x' }))).toBe(
      'VALIDATION: --version is required, for example --version lightgcn-20260101-120000-abc123',
    );
    expect(message(() => parseEvalFlags({ version: 'v' }))).toBe(
      'VALIDATION: --data is required, for example --data lightgcn:DIR, shop:DIR or neo4j',
    );
  });
});
