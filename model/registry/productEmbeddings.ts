// Product embeddings in Neo4j: `embedding` (a list of floats) and `embeddingVersion` on (:Product {id}), and the
// vector index `product_embedding` over them (cosine), so analysts can run
//   CALL db.index.vector.queryNodes('product_embedding', 10, $vec) YIELD node, score
// Writes are batched UNWIND transactions keyed by Product.id (the unique constraint of docs/graph-model.md
// makes each MATCH an index seek). Every step is idempotent: re-running a publish rewrites the same values.
import neo4j from 'neo4j-driver';
import { GraphrecError, type Progress } from '../../core';
import type { GraphClient, NamedQuery } from '../../graph';

export const VECTOR_INDEX = 'product_embedding';

/** $rows: [{id: String, v: [Float]}], $version: String. Returns matched: the rows that found their Product. */
export const WRITE_EMBEDDINGS: NamedQuery = {
  name: 'registry.writeEmbeddings',
  cypher: `UNWIND $rows AS r
MATCH (p:Product {id: r.id})
SET p.embedding = r.v, p.embeddingVersion = $version
RETURN count(p) AS matched`,
};

/** Remove embeddings another version left on products the new model does not know; $limit per transaction. */
export const CLEAR_OTHER_VERSIONS: NamedQuery = {
  name: 'registry.clearOtherVersions',
  cypher: `MATCH (p:Product)
WHERE p.embeddingVersion IS NOT NULL AND p.embeddingVersion <> $version
WITH p LIMIT $limit
REMOVE p.embedding, p.embeddingVersion
RETURN count(p) AS cleared`,
};

/** $name: String. One row per index of that name: type, state, labels, properties, options, populationPercent. */
export const SHOW_INDEX: NamedQuery = {
  name: 'registry.showIndex',
  cypher: `SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties, options, populationPercent
WHERE name = $name
RETURN name, type, state, labelsOrTypes, properties, options, populationPercent`,
};

export const DROP_VECTOR_INDEX: NamedQuery = {
  name: 'registry.dropVectorIndex',
  cypher: `DROP INDEX ${VECTOR_INDEX} IF EXISTS`,
};

/** $dims: Integer (must be sent as a Neo4j integer: index options refuse floats). */
export const CREATE_VECTOR_INDEX: NamedQuery = {
  name: 'registry.createVectorIndex',
  cypher: `CREATE VECTOR INDEX ${VECTOR_INDEX} IF NOT EXISTS
FOR (p:Product) ON (p.embedding)
OPTIONS {indexConfig: {\`vector.dimensions\`: $dims, \`vector.similarity_function\`: 'cosine'}}`,
};

/** $k: Integer, $vec: [Float]. The k nearest products by cosine. */
export const QUERY_SIMILAR: NamedQuery = {
  name: 'registry.querySimilar',
  cypher: `CALL db.index.vector.queryNodes('${VECTOR_INDEX}', $k, $vec) YIELD node, score
RETURN node.id AS id, node.embeddingVersion AS version, score`,
};

export interface IndexState {
  exists: boolean;
  state?: string;
  dims?: number;
  similarity?: string;
  populationPercent?: number;
  /** True when the index exists with the right shape (vector, Product.embedding, cosine, dims). */
  matches: boolean;
}

export async function vectorIndexState(graph: GraphClient, dims: number): Promise<IndexState> {
  const rows = await graph.read<{
    type: string;
    state: string;
    labelsOrTypes: string[] | null;
    properties: string[] | null;
    options: { indexConfig?: Record<string, unknown> } | null;
    populationPercent: number | null;
  }>(SHOW_INDEX, { name: VECTOR_INDEX });
  if (rows.length === 0) return { exists: false, matches: false };
  const r = rows[0];
  const cfg = r.options?.indexConfig ?? {};
  const d = Number(cfg['vector.dimensions']);
  const similarity = String(cfg['vector.similarity_function'] ?? '').toLowerCase();
  const matches =
    r.type === 'VECTOR' &&
    (r.labelsOrTypes ?? []).join() === 'Product' &&
    (r.properties ?? []).join() === 'embedding' &&
    similarity === 'cosine' &&
    d === dims;
  return {
    exists: true,
    state: r.state,
    dims: Number.isFinite(d) ? d : undefined,
    similarity,
    populationPercent: r.populationPercent ?? undefined,
    matches,
  };
}

export interface WriteResult {
  matched: number;
  batches: number;
}

/**
 * Write `vectors` (nItems x dims, row-major) onto the products named by `ids`, `batchSize` rows per transaction.
 * `onBatch` runs after each committed batch (progress, and fault injection in tests).
 */
export async function writeProductEmbeddings(
  graph: GraphClient,
  version: string,
  ids: string[],
  vectors: Float32Array,
  dims: number,
  opts: {
    batchSize: number;
    progress?: Progress;
    onBatch?: (batch: number, done: number) => Promise<void> | void;
  },
): Promise<WriteResult> {
  let matched = 0;
  let batches = 0;
  for (let start = 0; start < ids.length; start += opts.batchSize) {
    const end = Math.min(ids.length, start + opts.batchSize);
    const rows = new Array<{ id: string; v: number[] }>(end - start);
    for (let i = start; i < end; i++) {
      rows[i - start] = { id: ids[i], v: Array.from(vectors.subarray(i * dims, (i + 1) * dims)) };
    }
    const res = await graph.write<{ matched: number }>(WRITE_EMBEDDINGS, { rows, version });
    matched += res[0]?.matched ?? 0;
    batches++;
    opts.progress?.update(end, { matched });
    await opts.onBatch?.(batches, end);
  }
  return { matched, batches };
}

export async function clearOtherVersions(
  graph: GraphClient,
  version: string,
  limit = 10_000,
): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await graph.write<{ cleared: number }>(CLEAR_OTHER_VERSIONS, {
      version,
      limit: neo4j.int(limit),
    });
    const n = res[0]?.cleared ?? 0;
    total += n;
    if (n < limit) return total;
  }
}

/** Create the index unless it exists with the right shape; the caller drops a mismatching one first. */
export async function createVectorIndex(graph: GraphClient, dims: number): Promise<void> {
  await graph.write(CREATE_VECTOR_INDEX, { dims: neo4j.int(dims) });
}

/** Poll until the index is ONLINE; FAILED or a timeout is UNAVAILABLE. */
export async function awaitVectorIndexOnline(
  graph: GraphClient,
  dims: number,
  timeoutMs: number,
): Promise<IndexState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await vectorIndexState(graph, dims);
    if (s.exists && s.state === 'ONLINE') return s;
    if (s.state === 'FAILED') {
      throw new GraphrecError(
        'UNAVAILABLE',
        `the vector index ${VECTOR_INDEX} failed to populate; drop it and publish again`,
      );
    }
    if (Date.now() > deadline) {
      throw new GraphrecError(
        'UNAVAILABLE',
        `the vector index ${VECTOR_INDEX} is still ${s.state ?? 'missing'} (${s.populationPercent ?? 0}%) after ${Math.round(timeoutMs / 1000)} s; publish again to wait for it`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
