// Which split manifest a Neo4j export uses. `graphrec etl split` persists manifests under <dataDir>/splits/
// (etl/split/store.ts); the graph itself holds none. So: `--split` names one (a manifest file, or a split id
// in <dataDir>/splits), else the latest that `etl split` wrote. The reader then recomputes the manifest on the
// graph with that window and policy, and warns when the counts say the split was made on other data.
import fs from 'node:fs';
import path from 'node:path';
import { notFound } from '../../core';
import { readSplitManifest, readSplitManifestFile, splitsDir, type SplitManifest } from '../../etl';

export interface ResolvedSplit {
  manifest: SplitManifest;
  /** The file it came from. */
  file: string;
}

export function resolveSplit(spec: string | undefined, dataDir: string): ResolvedSplit {
  if (spec !== undefined && spec !== '') {
    if (/^[0-9a-f]{16}$/.test(spec))
      return {
        manifest: readSplitManifest(dataDir, spec),
        file: path.join(splitsDir(dataDir), `${spec}.json`),
      };
    const file = path.resolve(spec);
    return { manifest: readSplitManifestFile(file), file };
  }
  const latest = path.join(splitsDir(dataDir), 'latest.json');
  if (!fs.existsSync(latest))
    throw notFound(
      `--data neo4j needs the split manifest that decides what training may see, and there is none: no --split ` +
        `was given and ${latest} does not exist. Run 'graphrec etl split --source DIR' on the shop the graph was ` +
        `loaded from, or pass --split FILE`,
      { field: 'split' },
    );
  const manifest = readSplitManifest(dataDir);
  return { manifest, file: path.join(splitsDir(dataDir), `${manifest.id}.json`) };
}
