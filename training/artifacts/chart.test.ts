import { lineChartSvg } from './chart';

describe('lineChartSvg', () => {
  it('draws one polyline per series, maps points into the plot area and escapes labels', () => {
    const svg = lineChartSvg('a <b>', 'x', [
      {
        name: 'r',
        points: [
          [0, 0],
          [10, 1],
        ],
      },
      {
        name: 'n',
        points: [
          [5, 0.5],
          [Number.NaN, 2],
        ],
      },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('a &lt;b&gt;');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    // (0, 0) is the bottom-left corner of the plot area; the NaN point is dropped.
    expect(svg).toContain('points="56.0,280.0 624.0,');
    expect(svg).toMatch(/points="340\.0,[0-9.]+"/);
  });
});
