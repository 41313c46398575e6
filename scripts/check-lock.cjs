#!/usr/bin/env node
// After `npm install`, the lock must still describe the same packages as the committed one. Entries for
// optional per-platform binaries (darwin, win32, ...) come and go with what the registry mirror serves, so
// they are ignored; any other added, removed or re-versioned package fails the check.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const committed = JSON.parse(
  execFileSync('git', ['show', 'HEAD:package-lock.json'], { encoding: 'utf8', maxBuffer: 1 << 28 }),
);
const installed = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const required = (lock) =>
  new Map(
    Object.entries(lock.packages ?? {})
      .filter(([, p]) => !p.optional)
      .map(([name, p]) => [name, p.version ?? '']),
  );
const a = required(committed);
const b = required(installed);
const diffs = [];
for (const [name, v] of a) if (b.get(name) !== v) diffs.push(`${name}: ${v} -> ${b.get(name) ?? 'removed'}`);
for (const [name, v] of b) if (!a.has(name)) diffs.push(`${name}: added ${v}`);
if (diffs.length > 0) {
  console.error(
    `package-lock.json drifted from package.json (${diffs.length} packages):\n  ${diffs.slice(0, 30).join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`package-lock.json: ${a.size} required packages as committed`);
