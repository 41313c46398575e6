// `--data` sources a trainer can read: `lightgcn:DIR` (the LightGCN benchmark format, read here) and
// `shop:DIR` (a generated shop, read by training/data/shop.ts and trained by training/context/shopRun.ts).
import path from 'node:path';
import { validationError } from '../core';
import type { Dataset } from './data/dataset';
import { readLightgcnDir } from './data/lightgcnFormat';

export type DataSource = { kind: 'lightgcn'; dir: string } | { kind: 'shop'; dir: string };

export function parseDataSource(spec: string): DataSource {
  const m = /^(lightgcn|shop):(.+)$/.exec(spec);
  if (!m)
    throw validationError(
      `--data must look like lightgcn:DIR or shop:DIR, but got: ${JSON.stringify(spec)}`,
      {
        field: 'data',
      },
    );
  return { kind: m[1] as DataSource['kind'], dir: path.resolve(m[2]) };
}

export function loadDataSource(src: DataSource): Dataset {
  switch (src.kind) {
    case 'lightgcn':
      return readLightgcnDir(src.dir);
    case 'shop':
      throw validationError('a shop: source is read by the shop trainer (readShop), not as a Dataset', {
        field: 'data',
      });
  }
}
