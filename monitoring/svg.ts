// Small dependency-free SVG charts for the drift report: grouped bars (training vs latest share per bin).
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function groupedBarsSvg(
  title: string,
  labels: string[],
  series: Array<{ name: string; values: number[]; colour: string }>,
): string {
  const barW = 12;
  const groupW = barW * series.length + 10;
  const left = 50;
  const top = 30;
  const h = 180;
  const width = Math.max(360, left + labels.length * groupW + 20);
  const height = top + h + 110;
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="10">`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${left}" y1="${top + h}" x2="${width - 10}" y2="${top + h}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + h}" stroke="#333"/>`,
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end">${(max * 100).toFixed(0)}%</text>`,
    `<text x="${left - 4}" y="${top + h}" text-anchor="end">0</text>`,
  ];
  labels.forEach((label, i) => {
    const x0 = left + 6 + i * groupW;
    series.forEach((s, j) => {
      const bh = (s.values[i] / max) * h;
      parts.push(
        `<rect x="${x0 + j * barW}" y="${(top + h - bh).toFixed(1)}" width="${barW - 1}" height="${bh.toFixed(1)}" fill="${s.colour}"><title>${esc(`${s.name} ${label}: ${(s.values[i] * 100).toFixed(2)}%`)}</title></rect>`,
      );
    });
    const cx = x0 + (barW * series.length) / 2;
    parts.push(
      `<text transform="translate(${cx},${top + h + 8}) rotate(60)" text-anchor="start">${esc(label.slice(0, 28))}</text>`,
    );
  });
  series.forEach((s, j) => {
    const x = width - 150;
    parts.push(`<rect x="${x}" y="${6 + j * 12}" width="10" height="10" fill="${s.colour}"/>`);
    parts.push(`<text x="${x + 14}" y="${15 + j * 12}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
