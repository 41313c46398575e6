// analytics/: in-memory graph algorithms over the shop graph, for merchandisers and analysts. Today one:
// co-purchase communities (Louvain) and ranks (weighted PageRank), written back onto the products.
//
// Why a part of its own and not graph/analytics/: graph/ is the Neo4j client and the read-only reports that
// run inside the database; this part pulls a projection out of the database, computes on it with graphology
// and writes derived properties back. It depends on graph/ through its door, like training/ does, and nothing
// depends on it but the CLI, so graphology stays out of the API's and the loader's imports.
//
// How it scales: Neo4j aggregates the pairs (its work grows with the sum over shoppers of their distinct
// products squared, bounded per shopper by --max-items-per-shopper); this process keeps only the pairs with at
// least --min-weight shoppers. Memory and time here are linear in those edges (three typed slots per edge
// while streaming, then one graphology edge each; Louvain and PageRank are O(edges) per pass), plus a sort of
// the edges for a reproducible order. More than --max-edges pairs are refused while streaming, before the
// graph is built, with an error that says which flag to raise.
export { runCoPurchaseCommunities } from './run';
export type { CommunitiesDeps, CommunitiesSummary } from './run';
export { communitiesOptions, DEFAULT_COMMUNITIES_OPTIONS } from './options';
export type { CommunitiesOptions, RawCommunitiesOptions } from './options';
export type { CommunityDescription } from './summary';
