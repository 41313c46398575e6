// Which way a load writes: `transactional` (checkpointed UNWIND batches, any Neo4j, any state) or `bulk`
// (neo4j-admin import files, then the server is stopped, the database replaced and the server started again).
// Bulk replaces the whole database, so it is only allowed where that loses nothing and stops nobody else's
// server: the local stack's own Neo4j, a database without nodes and without schema the loader did not create,
// and a format that has a bulk layout. `auto` takes bulk exactly then, transactional otherwise.
import type { Config } from '../../core';
import { GraphrecError, validationError } from '../../core';
import type { GraphClient } from '../../graph';
import { isLocalStackNeo4j } from '../../stack';
import { SCHEMA_NAMES } from './schema';

export const LOAD_MODES = ['transactional', 'bulk', 'auto'] as const;
export type LoadMode = (typeof LOAD_MODES)[number];
export type WriteMode = Exclude<LoadMode, 'auto'>;

/** What decides whether bulk is allowed. */
export interface TargetFacts {
  format: string;
  /** The target is a Neo4j this stack started (pid file alive, no NEO4J_URI). */
  localStack: boolean;
  nodes: number;
  /** Indexes and constraints other than the loader's own (e.g. a vector index): an import would drop them. */
  foreignSchema: string[];
}

export interface ModeChoice {
  mode: WriteMode;
  reason: string;
}

/** Pure: the mode a load uses; an explicit `bulk` that is not allowed throws, naming the reason. */
export function chooseMode(requested: LoadMode, facts: TargetFacts): ModeChoice {
  if (requested === 'transactional') return { mode: 'transactional', reason: 'requested' };
  const refusal = bulkRefusal(facts);
  if (!refusal)
    return { mode: 'bulk', reason: 'empty database on the local stack: neo4j-admin import is faster' };
  if (requested === 'bulk') throw refusal;
  return { mode: 'transactional', reason: `bulk not possible: ${refusal.message}` };
}

function bulkRefusal(facts: TargetFacts): GraphrecError | undefined {
  const where = { field: '--mode' };
  if (facts.format !== 'synthetic')
    return validationError(
      `--mode bulk is only implemented for --format synthetic, but got: ${facts.format}`,
      where,
    );
  if (!facts.localStack)
    return new GraphrecError(
      'CONFIG',
      "--mode bulk stops and replaces the database, so it needs the local stack's own Neo4j (graphrec stack up), not an external one (NEO4J_URI) or one another process started",
      where,
    );
  if (facts.nodes > 0)
    return new GraphrecError(
      'CONFLICT',
      `--mode bulk replaces the database, so it needs an empty one, but it holds ${facts.nodes} nodes`,
      where,
    );
  if (facts.foreignSchema.length > 0)
    return new GraphrecError(
      'CONFLICT',
      `--mode bulk replaces the database, which would drop indexes the loader does not create: ${facts.foreignSchema.join(', ')}`,
      where,
    );
  return undefined;
}

/** Ask the target what chooseMode needs (only when the choice is not already `transactional`). */
export async function targetFacts(
  format: string,
  graph: GraphClient,
  config: Config | undefined,
): Promise<TargetFacts> {
  const localStack = config !== undefined && isLocalStackNeo4j(config);
  if (format !== 'synthetic' || !localStack) return { format, localStack, nodes: 0, foreignSchema: [] };
  const [count] = await graph.read<{ n: number }>({
    name: 'etl.load.mode.nodes',
    cypher: 'MATCH (n) RETURN count(n) AS n',
  });
  const indexes = await graph.read<{ name: string }>({
    name: 'etl.load.mode.indexes',
    cypher: "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
  });
  return {
    format,
    localStack,
    nodes: Number(count?.n ?? 0),
    foreignSchema: indexes.map((i) => i.name).filter((n) => !SCHEMA_NAMES.includes(n)),
  };
}
