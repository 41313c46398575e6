// Benchmarks record their tables in docs/performance.md, each in its own `## Title` section. A rewrite replaces
// the section's generated part and keeps the analysis written by hand below the `<!-- hand-written -->` marker.
const MARKER = '<!-- hand-written -->';

/** `existing` with section `## title` replaced by `generated` (or, if absent, inserted before `## before`). */
export function replaceSection(existing: string, title: string, generated: string, before?: string): string {
  const re = new RegExp(`## ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[\\s\\S]*?(?=\\n## |$)`);
  const found = existing.match(re);
  if (found) {
    const i = found[0].indexOf(MARKER);
    const kept = i >= 0 ? `\n${found[0].slice(i).trimEnd()}\n` : '';
    return existing.replace(re, () => `${generated.trimEnd()}\n${kept}`);
  }
  if (before && existing.includes(`\n## ${before}\n`))
    return existing.replace(`\n## ${before}\n`, () => `\n${generated.trimEnd()}\n\n## ${before}\n`);
  return `${existing.trimEnd()}\n\n${generated.trimEnd()}\n`;
}
