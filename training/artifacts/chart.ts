// A dependency-free SVG line chart for training curves in report.md: one or more series over a shared x axis.

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function lineChartSvg(
  title: string,
  xLabel: string,
  series: Series[],
  width = 640,
  height = 320,
): string {
  const m = { l: 56, r: 16, t: 28, b: 40 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(x0 + 1e-9, ...xs);
  const y0 = Math.min(0, ...ys);
  const y1 = Math.max(y0 + 1e-9, ...ys) * 1.05;
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (width - m.l - m.r);
  const py = (y: number) => height - m.b - ((y - y0) / (y1 - y0)) * (height - m.t - m.b);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${height - m.b}" x2="${width - m.r}" y2="${height - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${height - m.b}" stroke="black"/>`,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const yv = y0 + ((y1 - y0) * t) / 4;
    const xv = x0 + ((x1 - x0) * t) / 4;
    out.push(`<text x="${m.l - 4}" y="${py(yv) + 4}" text-anchor="end">${+yv.toPrecision(3)}</text>`);
    out.push(`<line x1="${m.l}" y1="${py(yv)}" x2="${width - m.r}" y2="${py(yv)}" stroke="#eee"/>`);
    out.push(
      `<text x="${px(xv)}" y="${height - m.b + 14}" text-anchor="middle">${+xv.toPrecision(3)}</text>`,
    );
  }
  series.forEach((s, k) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const color = COLORS[k % COLORS.length];
    if (pts.length > 0) {
      const d = pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${d}"/>`);
    }
    out.push(`<text x="${m.l + 8}" y="${m.t + 14 * (k + 1)}" fill="${color}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
