#!/usr/bin/env node
// Print the active model version from `graphrec models list --json` on stdin, or nothing when no model is
// active. scripts/quickstart.sh trains only when this prints nothing; scripts/active-model.test.ts feeds it
// what the models command really prints, so the two cannot drift apart. Any other shape stops quickstart
// rather than retraining on a misread.
const listing = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const active = listing === null || typeof listing !== 'object' ? undefined : listing.active;
if (active !== null && typeof active !== 'string') {
  process.stderr.write(
    `active-model: expected "active" to be a version string or null in \`graphrec models list --json\`, but got: ${JSON.stringify(active)}\n`,
  );
  process.exit(1);
}
process.stdout.write(active ?? '');
