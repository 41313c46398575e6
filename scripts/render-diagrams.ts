// Renders every ```mermaid block that follows a `<!-- diagram: NAME -->` marker in docs/*.md and README.md to
// docs/img/NAME.svg, with mermaid in Debian's headless Chromium (playwright-core drives it; nothing is downloaded).
//   npm run docs:diagrams          (CHROMIUM=/path/to/chromium to use another browser)
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.join(__dirname, '..');
const marker = /<!-- diagram: ([a-z0-9-]+) -->\s*```mermaid\n([\s\S]*?)```/g;

function findDiagrams(): { name: string; source: string; file: string }[] {
  const files = [
    'README.md',
    ...fs
      .readdirSync(path.join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const found: { name: string; source: string; file: string }[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(marker)) found.push({ name: m[1], source: m[2], file });
  }
  return found;
}

async function main(): Promise<void> {
  const diagrams = findDiagrams();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    for (const d of diagrams) {
      const svg = await page.evaluate(async ({ name, source }) => {
        const m = (
          globalThis as unknown as {
            mermaid: { initialize(o: object): void; render(id: string, s: string): Promise<{ svg: string }> };
          }
        ).mermaid;
        m.initialize({
          startOnLoad: false,
          theme: 'neutral',
          htmlLabels: false,
          flowchart: { htmlLabels: false },
        });
        return (await m.render(`d-${name}`, source)).svg;
      }, d);
      const out = path.join(root, 'docs', 'img', `${d.name}.svg`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      // Standalone SVG must be XML: HTML void tags inside labels have to be self-closed.
      fs.writeFileSync(out, `${svg.replace(/<br>/g, '<br/>')}\n`);
      process.stdout.write(`${d.file}: ${d.name} -> ${path.relative(root, out)} (${svg.length} bytes)\n`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`render-diagrams: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
