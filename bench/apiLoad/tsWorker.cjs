// Starts a TypeScript worker thread: `--import tsx` in the parent does not reach worker threads, so the worker
// registers tsx itself and then loads the file named in its workerData (`file`).
'use strict';
require('tsx/cjs');
require(require('node:worker_threads').workerData.file);
