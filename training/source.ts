// `--data` sources a trainer can read. Only the benchmark format exists so far; the Neo4j export (issue #4,
// item 1) will add `neo4j:` here.
import path from 'node:path';
import { validationError } from '../core';
import type { Dataset } from './data/dataset';
import { readLightgcnDir } from './data/lightgcnFormat';

export type DataSource = { kind: 'lightgcn'; dir: string };

export function parseDataSource(spec: string): DataSource {
  const m = /^lightgcn:(.+)$/.exec(spec);
  if (!m)
    throw validationError(`--data must look like lightgcn:DIR, but got: ${JSON.stringify(spec)}`, {
      field: 'data',
    });
  return { kind: 'lightgcn', dir: path.resolve(m[1]) };
}

export function loadDataSource(src: DataSource): Dataset {
  switch (src.kind) {
    case 'lightgcn':
      return readLightgcnDir(src.dir);
  }
}
