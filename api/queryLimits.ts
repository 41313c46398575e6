// The query limits, each where it can be decided:
// - the document's shape (limits.ts `measureDocument`), at the front door before Apollo: Apollo cannot refuse a
//   request between parsing and validating (an error thrown by a plugin there becomes a 500), and validation is
//   where thousands of aliases or fragments spread in cycles would cost their full price. The token limit is
//   graphql-js's `maxTokens`, in both parses;
// - in the Apollo plugin, once the operation is resolved with its variables: that its root type exists, and its
//   cost; then while it executes, the request's time budget: a field with a resolver of its own (the ones that
//   do work: Neo4j, Redis, models) that would start after the budget is spent fails with TIMEOUT instead, so
//   nothing below it runs either. Fields read off a parent's result are free and always answered: work already
//   done is not thrown away.
// Each refusal is a GraphQL error with a stable code; those before execution are HTTP 400.
import { isObjectType, Kind, parse, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ApiContext } from './context';
import { apiError } from './errors';
import { measureDocument, queryCost, type DocumentLimits, type DocumentRefusal } from './limits';

export interface QueryLimits {
  maxCost: number;
  maxFirst: number;
  /** Milliseconds a request's execution may take before its remaining fields fail with TIMEOUT. */
  budgetMs: number;
}

const BAD_REQUEST = { http: { status: 400 } };

/** Query texts already measured and allowed, at most this many (the storefront sends a few texts, repeatedly). */
const MAX_REMEMBERED = 1000;
/** Longer texts are measured every time: one token can be a long string, and memory must stay bounded. */
const MAX_REMEMBERED_LENGTH = 8192;

/**
 * The shape check at the door: a refusal for a query text over the document limits, else null (a text that
 * does not parse is left to Apollo, which answers its syntax error).
 */
export function createDocumentGate(
  limits: DocumentLimits & { maxTokens: number },
): (query: unknown) => DocumentRefusal | null {
  const allowed = new Set<string>();
  return (query) => {
    if (typeof query !== 'string' || allowed.has(query)) return null;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch {
      return null;
    }
    const measured = measureDocument(document, limits);
    if (!measured.ok) return measured.refusal;
    if (query.length > MAX_REMEMBERED_LENGTH) return null;
    if (allowed.size >= MAX_REMEMBERED) allowed.clear();
    allowed.add(query);
    return null;
  };
}

export function queryLimitsPlugin(
  limits: QueryLimits,
  now: () => number = () => performance.now(),
): ApolloServerPlugin<ApiContext> {
  // "Type.field" of the fields with their own resolver, read before Apollo wraps every field's resolver.
  const working = new Set<string>();
  return {
    async serverWillStart({ schema }) {
      for (const type of Object.values(schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith('__')) continue;
        for (const field of Object.values(type.getFields()))
          if (field.resolve) working.add(`${type.name}.${field.name}`);
      }
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) return;
          const root =
            operation.operation === 'query'
              ? schema.getQueryType()
              : operation.operation === 'mutation'
                ? schema.getMutationType()
                : schema.getSubscriptionType();
          if (!root) {
            throw apiError(
              'BAD_REQUEST',
              `the operation must be a query or a mutation, but got: ${operation.operation}`,
              BAD_REQUEST,
            );
          }
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const d of document.definitions)
            if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
          const cost = queryCost(schema, operation, fragments, request.variables ?? {}, limits.maxFirst);
          if (cost > limits.maxCost) {
            throw apiError(
              'BAD_USER_INPUT',
              `the query costs ${cost} (fields times list sizes), but at most ${limits.maxCost} is allowed`,
              { field: 'query', cost, ...BAD_REQUEST },
            );
          }
        },
        async executionDidStart() {
          const deadline = now() + limits.budgetMs;
          return {
            willResolveField({ info }) {
              if (!working.has(`${info.parentType.name}.${info.fieldName}`)) return;
              if (now() > deadline) {
                throw apiError(
                  'TIMEOUT',
                  `the request used up its time budget of ${limits.budgetMs} ms before this field`,
                );
              }
            },
          };
        },
      };
    },
  };
}
