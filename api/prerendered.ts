// Pre-rendered answers: the fast path of a `recommendations` cache hit.
//
// Through Apollo a hit costs about 1.1 ms of the one core: the request pipeline, graphql-js completing every
// item's fields, and JSON. Yet a hit's answer is a function of the query text, the arguments (bucketed as the
// result cache buckets them), the query's other variables and the cached result. So when Apollo serves a cached
// result (its first hit: a result asked for once is not worth it), the resolver hands it over and the answer is
// rendered once more, with a placeholder recId, and kept beside the cached result for exactly as long as that
// result lives: a new event of the user changes both keys. The next identical request is answered here, before Apollo: its arguments are
// coerced by graphql-js and validated, and its variant chosen, as the resolver does (recRequest.ts); one Redis
// round trip; a fresh recId spliced in; the exposure logged and the metrics counted as the resolver would.
//
// Only queries whose one root field is `recommendations` take this path; anything else, and every error, goes to
// Apollo. An answer is only stored after Apollo validated and executed the same text (depth and cost limits
// included), under a key that also names the schema and the limits. Nothing under `recommendations` may depend
// on the caller: the answer is shared by every caller that asks the same.
import crypto from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  execute,
  getArgumentValues,
  getVariableValues,
  Kind,
  parse,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { ApiContext, Prefetched } from './context';
import type { RecResult } from './recs/recommend';
import { logExposure, prepareRec, sourceCounts } from './recRequest';
import type { Services } from './services';

/** A query text this path can serve, parsed once. */
export interface RecPlan {
  /** Names the query text, the operation, the schema and the limits it was validated under. */
  id: string;
  document: DocumentNode;
  operationName: string | undefined;
  operation: OperationDefinitionNode;
  field: FieldNode;
  fieldDef: GraphQLField<unknown, unknown>;
  /** Variables used below `recommendations` (not only in its arguments): they shape the answer too. */
  otherVars: string[];
}

/** Longer query texts are not planned (a bound on what the plan cache holds). */
const MAX_PLANNED_QUERY = 8192;
const MAX_PLANS = 500;

/** Parse a query text into a plan, or null when this path cannot serve it (Apollo will). */
export function planQuery(
  schema: GraphQLSchema,
  fingerprint: string,
  query: string,
  operationName: string | undefined,
): RecPlan | null {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return null;
  }
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation || operation.operation !== 'query' || (operation.directives?.length ?? 0) > 0) return null;
  const [field, ...rest] = operation.selectionSet.selections;
  if (rest.length > 0 || field.kind !== Kind.FIELD || field.name.value !== 'recommendations') return null;
  if ((field.directives?.length ?? 0) > 0) return null;
  const fieldDef = schema.getQueryType()?.getFields().recommendations;
  if (!fieldDef) return null;
  const other = new Set<string>();
  const collect = (node: Parameters<typeof visit>[0]) =>
    visit(node, {
      Variable(v) {
        other.add(v.name.value);
      },
    });
  if (field.selectionSet) collect(field.selectionSet);
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) collect(d);
  const id = crypto
    .createHash('sha1')
    .update(`${fingerprint}\0${operationName ?? ''}\0${query}`)
    .digest('hex')
    .slice(0, 24);
  return { id, document, operationName, operation, field, fieldDef, otherVars: [...other].sort() };
}

/**
 * The root field's arguments as graphql-js coerces them, and a digest of the other variables; null when the
 * variables do not coerce (Apollo then answers with the error).
 */
export function planArguments(
  schema: GraphQLSchema,
  plan: RecPlan,
  variables: unknown,
): { args: Record<string, unknown>; others: string } | null {
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  )
    return null;
  const coerced = getVariableValues(
    schema,
    plan.operation.variableDefinitions ?? [],
    (variables ?? {}) as Record<string, unknown>,
  );
  if (coerced.errors) return null;
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(plan.fieldDef, plan.field, coerced.coerced);
  } catch {
    return null;
  }
  const others =
    plan.otherVars.length === 0
      ? '-'
      : crypto
          .createHash('sha1')
          .update(JSON.stringify(plan.otherVars.map((n) => coerced.coerced[n] ?? null)))
          .digest('hex')
          .slice(0, 20);
  return { args, others };
}

/** What is stored: a header line (the placeholder, the items, the per-source counts), then the answer. */
interface StoredHead {
  r: string;
  i: string[];
  s: Array<[string, number]>;
}

export function encodeRendered(head: StoredHead, body: string): string {
  return `${JSON.stringify(head)}\n${body}`;
}

export function decodeRendered(raw: string, recId: string): { head: StoredHead; body: string } {
  const nl = raw.indexOf('\n');
  const head = JSON.parse(raw.slice(0, nl)) as StoredHead;
  return { head, body: raw.slice(nl + 1).replaceAll(head.r, recId) };
}

/** Apollo answers JSON unless the client asks for application/graphql-response+json; those go to Apollo. */
const acceptsPlainJson = (accept: string | undefined) =>
  accept === undefined ||
  accept === '*/*' ||
  (accept.includes('application/json') && !accept.includes('graphql-response'));

/** The response of either front (express's or the bare one, front.ts): per-request state lives in `locals`. */
export type PrerenderResponse = ServerResponse & { locals: Record<string, unknown> };

export interface Prerendered {
  /**
   * Answer a parsed request body with its pre-rendered answer: true if it was served. False leaves the request to
   * Apollo, with what the lookup found (a render slot, the entry or recent lists) in `res.locals` on a miss.
   */
  answer(
    body: unknown,
    accept: string | undefined,
    res: PrerenderResponse,
    /**
     * Whether the request may be answered at all (the rate limit's decision): asked for before this path's lookup
     * so that both are in flight at once (one round trip's wait), awaited before anything is served.
     */
    allowed?: Promise<boolean>,
  ): Promise<boolean>;
  /** Hand what this path found for the request to its GraphQL context (a render hook, the lookup), if it missed. */
  passOn(res: PrerenderResponse, ctx: ApiContext): void;
}

const ALLOWED = Promise.resolve(true);

interface Slot {
  plan: RecPlan;
  variables: unknown;
  suffix: string;
}

export function createPrerendered(
  services: Services,
  schema: GraphQLSchema,
  fingerprint: string,
): Prerendered {
  const { metrics, cache, logger } = services;
  const plans = new Map<string, RecPlan | null>();
  const planFor = (query: string, operationName: string | undefined) => {
    const k = `${operationName ?? ''}\0${query}`;
    let plan = plans.get(k);
    if (plan === undefined) {
      if (plans.size >= MAX_PLANS) plans.clear();
      plan = planQuery(schema, fingerprint, query, operationName);
      plans.set(k, plan);
    }
    return plan;
  };

  async function render(
    ctx: ApiContext,
    slot: Slot,
    cacheKey: string,
    value: RecResult,
    served: (r: string) => unknown,
  ) {
    const placeholder = crypto.randomUUID();
    const result = await execute({
      schema,
      document: slot.plan.document,
      operationName: slot.plan.operationName,
      variableValues: (slot.variables ?? {}) as Record<string, unknown>,
      contextValue: { ...ctx, prerender: undefined, prerendering: served(placeholder) },
    });
    if (result.errors && result.errors.length > 0) return;
    // As Apollo writes a single result (runHttpQuery.ts: JSON and a newline).
    const body = `${JSON.stringify({ data: result.data })}\n`;
    const head: StoredHead = {
      r: placeholder,
      i: value.items.map((it) => it.productId),
      s: sourceCounts(value),
    };
    cache.attach(cacheKey, `${cacheKey}:${slot.suffix}`, encodeRendered(head, body));
  }

  function serve(res: ServerResponse, raw: string, prep: ReturnType<typeof prepareRec>, started: number) {
    const recId = crypto.randomUUID();
    const { head, body } = decodeRendered(raw, recId);
    metrics.cacheRequests.inc({ cache: 'rendered', result: 'hit' });
    metrics.cacheRequests.inc({ cache: 'recommendations', result: 'hit' });
    for (const [source, n] of head.s) metrics.candidates.inc({ source }, n);
    logExposure(services, prep, recId, head.i, started);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    metrics.requestDuration.observe(
      { operation: 'recommendations', outcome: 'ok' },
      (performance.now() - started) / 1000,
    );
    metrics.requests.inc({ operation: 'recommendations', outcome: 'ok', variant: prep.variant.name });
  }

  async function answer(
    raw: unknown,
    accept: string | undefined,
    res: PrerenderResponse,
    allowed: Promise<boolean> = ALLOWED,
  ): Promise<boolean> {
    const started = performance.now();
    const body = raw as {
      query?: unknown;
      operationName?: unknown;
      variables?: unknown;
      extensions?: unknown;
    };
    if (
      typeof body !== 'object' ||
      body === null ||
      typeof body.query !== 'string' ||
      body.query.length > MAX_PLANNED_QUERY ||
      body.extensions !== undefined ||
      !acceptsPlainJson(accept)
    ) {
      return false;
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const plan = planFor(body.query, operationName);
    if (!plan) return false;
    const coerced = planArguments(schema, plan, body.variables);
    if (!coerced) return false;
    let prep: ReturnType<typeof prepareRec>;
    try {
      prep = prepareRec(services, coerced.args, Date.now());
    } catch {
      return false; // bad input: Apollo answers with the typed error
    }
    if (prep.pinnedMissing !== null) return false;
    const suffix = `r:${plan.id}:${coerced.others}`;
    const found = await cache.lookup(prep.subjects, prep.cachePrefix, prep.shape, `:${suffix}`);
    // Nothing found is used, not even by the resolver, unless the request is allowed.
    if (!found || !(await allowed)) return false;
    if (found.rendered === null) {
      metrics.cacheRequests.inc({ cache: 'rendered', result: 'miss' });
      res.locals.prerenderSlot = { plan, variables: body.variables, suffix } satisfies Slot;
      // The resolver reuses what this lookup found (the entry, else the recent lists): no second round trip.
      res.locals.prefetched = {
        prefix: prep.cachePrefix,
        shape: prep.shape,
        lookup: found,
      } satisfies Prefetched;
      return false;
    }
    try {
      serve(res, found.rendered, prep, started);
      return true;
    } catch (err) {
      logger.warn(
        { err: (err as Error).message },
        'a pre-rendered answer could not be served; Apollo answers',
      );
      return res.headersSent;
    }
  }

  return {
    answer,
    passOn(res, ctx) {
      ctx.prefetched = res.locals.prefetched as Prefetched | undefined;
      const slot = res.locals.prerenderSlot as Slot | undefined;
      if (!slot) return;
      ctx.prerender = (cacheKey, value, served) => {
        // After the response: rendering is work the waiting client does not need.
        setImmediate(() => {
          render(ctx, slot, cacheKey, value, served).catch((err: Error) =>
            logger.debug({ err: err.message }, 'pre-rendering an answer failed'),
          );
        });
      };
    },
  };
}
