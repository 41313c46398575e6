// Bulk mode of `--format synthetic` (docs/etl.md): the rows are read and validated exactly as in the
// transactional path (loadSynthetic, same quarantine), but the valid ones go to neo4j-admin import files
// instead of write transactions. Then the local server is stopped, the files imported into the configured
// database (replacing it; mode.ts allows that only for an empty one), the server started again, and what the
// transactional path creates besides the rows is added: the constraints and indexes, and the price bands.
// Session.eventCount and the EtlCheckpoint nodes are in the import files (bulkSynthetic.ts).
import fs from 'node:fs';
import type { Config } from '../../core';
import { importIntoLocalNeo4j } from '../../stack';
import { SyntheticBulkFiles } from './bulkSynthetic';
import { LoadContext, round } from './loadFile';
import { assignPriceBands } from './metadata';
import { ensureSchema } from './schema';
import { loadSynthetic, SyntheticResult } from './synthetic';

export interface BulkResult {
  files: SyntheticResult['files'];
  /** priceBandLinksChanged as in the transactional path, plus the bulk phases' seconds and sizes. */
  extra: Record<string, number>;
}

/** `importDir` holds the import files while the load runs; it is removed afterwards, whatever happens. */
export async function loadSyntheticBulk(
  source: string,
  ctx: LoadContext,
  config: Config,
  importDir: string,
): Promise<BulkResult> {
  fs.mkdirSync(importDir, { recursive: true });
  try {
    const out = new SyntheticBulkFiles(importDir);
    const r = await loadSynthetic(source, { ...ctx, openSink: (file, id, fp) => out.sink(file, id, fp) });
    let t = performance.now();
    const lap = () => {
      const s = round((performance.now() - t) / 1000, 1);
      t = performance.now();
      return s;
    };
    const input = await out.finish();
    const finishSeconds = lap();
    ctx.logger.info(
      { files: input.nodes.length + input.relationships.length, bytes: input.bytes },
      'import files written',
    );
    const timings = await importIntoLocalNeo4j(config, input, ctx.logger);
    lap();
    await ensureSchema(ctx.graph);
    const schemaSeconds = lap();
    const priceBandLinksChanged = await assignPriceBands(ctx.graph);
    const priceBandSeconds = lap();
    return {
      files: r.files,
      extra: {
        priceBandLinksChanged,
        importFilesMb: round(input.bytes / 2 ** 20, 1),
        finishFilesSeconds: finishSeconds,
        ...timings,
        schemaSeconds,
        priceBandSeconds,
      },
    };
  } finally {
    fs.rmSync(importDir, { recursive: true, force: true });
  }
}
