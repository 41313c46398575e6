#!/usr/bin/env node
// Entry for `npx graphrec`: run the TypeScript sources through tsx (esbuild) so that the repo needs no build
// step; the Docker image runs the same entry against the compiled dist/ instead.
const path = require('node:path');
const fs = require('node:fs');
const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (process.env.GRAPHREC_USE_DIST === '1' && fs.existsSync(compiled)) {
  require(compiled);
} else {
  require('tsx/cjs');
  require('../cli/main.ts');
}
