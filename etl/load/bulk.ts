// Bulk mode of `--format synthetic` (docs/etl.md): the rows are read and validated exactly as in the
// transactional path (loadSynthetic, same quarantine), but the valid ones go to neo4j-admin import files
// instead of write transactions. Then the local server is stopped, the files imported into the configured
// database (replacing it; mode.ts allows that only for an empty one), the server started again, and what the
// transactional path creates besides the rows is added: the constraints and indexes. Session.eventCount, the
// price bands and the EtlCheckpoint nodes are in the import files (bulkSynthetic.ts).
import fs from 'node:fs';
import type { Config } from '../../core';
import { cancelImport, importIntoLocalNeo4j, stopForImport } from '../../stack';
import { SyntheticBulkFiles } from './bulkSynthetic';
import { LoadContext, round } from './loadFile';
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
    // The database is empty (mode.ts) and nothing below reads it, so the server stops while the files are
    // written instead of after: the stop's seconds come off the load.
    const stopping = stopForImport(config, ctx.logger);
    stopping.catch(() => undefined); // awaited by importIntoLocalNeo4j or cancelImport
    const out = new SyntheticBulkFiles(importDir);
    let t = performance.now();
    const lap = () => {
      const s = round((performance.now() - t) / 1000, 1);
      t = performance.now();
      return s;
    };
    const writeFiles = async () => {
      const r = await loadSynthetic(source, { ...ctx, openSink: (file, id, fp) => out.sink(file, id, fp) });
      lap();
      return { r, input: await out.finish(), finishSeconds: lap() };
    };
    const { r, input, finishSeconds } = await writeFiles().catch(async (err: unknown) => {
      await cancelImport(config, ctx.logger, stopping);
      throw err;
    });
    ctx.logger.info(
      { files: input.nodes.length + input.relationships.length, bytes: input.bytes },
      'import files written',
    );
    const timings = await importIntoLocalNeo4j(config, input, ctx.logger, stopping);
    lap();
    await ensureSchema(ctx.graph);
    const schemaSeconds = lap();
    return {
      files: r.files,
      extra: {
        priceBandLinksChanged: out.priceBandLinks,
        importFilesMb: round(input.bytes / 2 ** 20, 1),
        finishFilesSeconds: finishSeconds,
        ...timings,
        schemaSeconds,
      },
    };
  } finally {
    fs.rmSync(importDir, { recursive: true, force: true });
  }
}
