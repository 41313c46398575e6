import { replaceSection } from './docsSection';

const doc =
  '# Performance\n\n## A\n\nold table\n\n<!-- hand-written -->\nWhy it is so.\n\n## B (x)\n\nb text\n';

describe('replaceSection', () => {
  it('replaces the generated part and keeps the hand-written analysis', () => {
    const out = replaceSection(doc, 'A', '## A\n\nnew table\n');
    expect(out).toBe(
      '# Performance\n\n## A\n\nnew table\n\n<!-- hand-written -->\nWhy it is so.\n\n## B (x)\n\nb text\n',
    );
  });

  it('replaces a whole section without a marker, titles with regex characters included', () => {
    expect(replaceSection(doc, 'B (x)', '## B (x)\n\nnew b\n')).toBe(doc.replace('b text\n', 'new b\n'));
  });

  it('inserts a missing section before the named one, or appends it', () => {
    expect(replaceSection(doc, 'C', '## C\n\nc\n', 'B (x)')).toContain(
      'Why it is so.\n\n## C\n\nc\n\n## B (x)\n',
    );
    expect(replaceSection(doc, 'C', '## C\n\nc $& $1\n').endsWith('b text\n\n## C\n\nc $& $1\n')).toBe(true);
  });
});
