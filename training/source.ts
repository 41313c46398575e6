// `--data` sources a trainer can read: `lightgcn:DIR` (the LightGCN benchmark format, read here), `shop:DIR`
// (a generated shop, read by training/data/shop.ts) and `neo4j` / `neo4j:NAME` (the graph the ETL loaded,
// streamed by training/export/). Shops and the graph both become ShopData, trained by training/context/shopRun.ts.
import path from 'node:path';
import { configError, validationError } from '../core';
import type { Config, Logger, Progress } from '../core';
import { createGraphClient } from '../graph';
import type { Dataset } from './data/dataset';
import { readLightgcnDir } from './data/lightgcnFormat';
import { readShop, type ShopData } from './data/shop';
import { readShopFromNeo4j, resolveSplit } from './export';

export type DataSource =
  | { kind: 'lightgcn'; dir: string }
  | { kind: 'shop'; dir: string }
  /** `namespace` '' is the synthetic shop's un-prefixed ids; otherwise ids `<namespace>:...`. */
  | { kind: 'neo4j'; namespace: string };

/** Where a shop model's data comes from: `spec` is recorded in the model's config, `read` produces it. */
export interface ShopSource {
  spec: string;
  read(): Promise<ShopData>;
}

export interface ShopSourceEnv {
  /** Needed by `neo4j`: the connection settings (core/config). */
  neo4j?: Config['neo4j'];
  /** Where `etl split` keeps its manifests. */
  dataDir: string;
  /** `--split FILE|ID` for `neo4j`; default the latest manifest in <dataDir>/splits. */
  split?: string;
  logger: Logger;
  progress?: (label: string, total: number) => Progress;
}

const SPEC_RULE = 'lightgcn:DIR, shop:DIR, neo4j or neo4j:NAME';

export function parseDataSource(spec: string): DataSource {
  const graph = /^neo4j(?::(.*))?$/.exec(spec);
  if (graph) {
    const namespace = graph[1] ?? '';
    if (namespace !== '' && !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(namespace))
      throw validationError(
        `--data neo4j:NAME needs NAME to be a data set name (lower-case letters, digits, _ and -), but got: ${JSON.stringify(namespace)}`,
        { field: 'data' },
      );
    return { kind: 'neo4j', namespace };
  }
  const m = /^(lightgcn|shop):(.+)$/.exec(spec);
  if (!m)
    throw validationError(`--data must look like ${SPEC_RULE}, but got: ${JSON.stringify(spec)}`, {
      field: 'data',
    });
  return { kind: m[1] as 'lightgcn' | 'shop', dir: path.resolve(m[2]) };
}

export function loadDataSource(src: DataSource): Dataset {
  switch (src.kind) {
    case 'lightgcn':
      return readLightgcnDir(src.dir);
    case 'shop':
    case 'neo4j':
      throw validationError(`a ${src.kind} source is read by the shop trainer (ShopData), not as a Dataset`, {
        field: 'data',
      });
  }
}

/** The shop trainer's reader for a `shop:` or `neo4j` source. */
export function shopSource(src: DataSource, env: ShopSourceEnv): ShopSource {
  switch (src.kind) {
    case 'shop':
      return { spec: `shop:${src.dir}`, read: () => readShop(src.dir) };
    case 'neo4j': {
      const { neo4j } = env;
      if (!neo4j)
        throw configError('--data neo4j needs the Neo4j connection settings (NEO4J_*)', 'NEO4J_URI');
      return {
        spec: src.namespace === '' ? 'neo4j' : `neo4j:${src.namespace}`,
        async read() {
          const split = resolveSplit(env.split, env.dataDir);
          env.logger.info(
            { split: split.manifest.id, file: split.file },
            'split manifest for the graph export',
          );
          const graph = createGraphClient(neo4j, { app: 'graphrec-train' });
          try {
            return await readShopFromNeo4j(graph, {
              namespace: src.namespace,
              split: split.manifest,
              logger: env.logger,
              progress: env.progress,
            });
          } finally {
            await graph.close();
          }
        },
      };
    }
    case 'lightgcn':
      throw validationError(`a lightgcn source has no shop metadata, but got: lightgcn:${src.dir}`, {
        field: 'data',
      });
  }
}
