import { ageBand } from './metadata';

describe('ageBand', () => {
  it('puts an age in the band whose bounds hold it, and none below 18', () => {
    const at = 2026;
    const bands = [17, 18, 24, 25, 34, 35, 54, 55, 64, 65, 99].map((age) => ageBand(at - age, at));
    expect(bands).toEqual([
      undefined,
      '18-24',
      '18-24',
      '25-34',
      '25-34',
      '35-44',
      '45-54',
      '55-64',
      '55-64',
      '65+',
      '65+',
    ]);
  });
});
