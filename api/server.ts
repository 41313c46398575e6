// `graphrec serve`: Apollo Server on express, with health, readiness, metrics, CORS, API keys, rate limits,
// depth and cost limits, and a graceful shutdown that drains in-flight requests.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { Kind } from 'graphql';
import { isGraphrecError, type Config, type Logger } from '../core';
import { createGraphClient } from '../graph';
import { defaultAppendOptions } from '../events';
import { startExperimentRuntime, type Experiment } from '../experiments';
import { callerOf, createKeyGuessLimiter, requireAdmin } from './auth';
import { createResultCache } from './cache';
import { createCatalog } from './catalog';
import type { ApiContext } from './context';
import { formatError } from './errors';
import { createBreaker, guardGraph, withTimeout } from './guard';
import { createDocumentGate, queryLimitsPlugin } from './queryLimits';
import { createRateLimiter } from './rateLimit';
import { createFront, type FrontResponse } from './front';
import { expressErrors, notFound } from './expressErrors';
import { createLoaders } from './loaders';
import { createMetrics } from './metrics';
import { watchActiveModel } from './model/activeModel';
import { createPinnedModels } from './model/pinnedModels';
import { createPrerendered } from './prerendered';
import { createPopularity } from './recs/popularity';
import { createSeedNeighbourCache } from './recs/seedNeighbours';
import { checkRedis, createApiRedis, EVENT_WRITE_TIMEOUT_MS } from './redis';
import { stopPretenuring } from './pretenuring';
import { collectStartupGarbage } from './startupGc';
import { resolvers } from './resolvers';
import { typeDefs } from './schema';
import type { Services } from './services';
import type { ChooseVariant } from './variant';

export interface ApiServerOptions {
  config: Config;
  logger: Logger;
  /** Replace the experiment assignment (the A/B module). */
  chooseVariant?: ChooseVariant;
  /** Mount extra routes (e.g. bull-board under /admin/queues behind `admin`), beside the GraphQL route. */
  mount?: (app: Express, helpers: { admin: RequestHandler }) => void;
  /** Listen on this port instead of config.api.port (0 = any free port). */
  port?: number;
  /** Each request-path Neo4j read's deadline (default 2500 ms). Tests on a cold scratch Neo4j raise it: its first
   * runs of each query are slow on a loaded machine, which is start-up, not what they test. */
  graphDeadlineMs?: number;
}

export interface ApiServer {
  app: Express;
  services: Services;
  url: string;
  port: number;
  /** Stop accepting, drain in-flight requests (up to `graceMs`), then close the connections to the stores. */
  stop(graceMs?: number): Promise<void>;
}

function metricsPlugin(services: Services): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      const start = process.hrtime.bigint();
      let operation = 'unknown';
      return {
        async didResolveOperation({ operation: op }) {
          if (!op) return;
          const first = op.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
          operation = first && first.kind === Kind.FIELD ? first.name.value : (op.name?.value ?? 'unknown');
        },
        async didEncounterErrors({ errors }) {
          for (const e of errors) {
            // Domain errors carry their kind (core/errors.ts); only internal ones are unexpected.
            const original = e.originalError;
            const expected = isGraphrecError(original)
              ? !['INTERNAL', 'CORRUPT', 'CONFIG'].includes(original.kind)
              : e.extensions?.code !== undefined && e.extensions.code !== 'INTERNAL_SERVER_ERROR';
            if (!expected) {
              services.logger.error(
                { err: e.originalError ?? e, path: e.path },
                'unexpected error in a GraphQL request',
              );
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          const outcome = errors && errors.length > 0 ? 'error' : 'ok';
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          services.metrics.requestDuration.observe({ operation, outcome }, seconds);
          services.metrics.requests.inc({ operation, outcome, variant: contextValue?.variant ?? 'control' });
        },
      };
    },
  };
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  // First: no allocation site may be tenured by the loads or the misses and then serve hits (pretenuring.ts).
  stopPretenuring();
  const { config, logger } = opts;
  const metrics = createMetrics();
  const graphBreaker = createBreaker('Neo4j', 2000);
  // Every read has a deadline and goes through the breaker: a dead Neo4j never hangs a request.
  const rawGraph = createGraphClient(config.neo4j, {
    app: 'graphrec-api',
    connectionTimeoutMs: 1000,
    maxRetryTimeMs: 1000,
    autoCommitReads: true,
  });
  const graph = guardGraph(rawGraph, graphBreaker, opts.graphDeadlineMs ?? 2500);
  const redis = createApiRedis(config.redis, logger);
  const eventsRedis = createApiRedis(config.redis, logger, EVENT_WRITE_TIMEOUT_MS);
  // The catalogue and popularity are background/cached loads that may legitimately take seconds: no deadline.
  const catalog = createCatalog(rawGraph, logger);
  const popularity = createPopularity(rawGraph, catalog, logger);
  const model = watchActiveModel(
    config.dataDir,
    config.serving.modelPollMs,
    logger,
    config.serving.annProbes,
  );
  const cache = createResultCache(redis, config.serving.cacheTtlSeconds, metrics, logger);
  const experiments = await startExperimentRuntime({
    redis,
    config,
    logger,
    onLogFailure: (kind) => metrics.experimentLogFailures.inc({ kind }),
  });
  const pinnedModels = createPinnedModels(
    config.dataDir,
    config.experiments.maxPinnedModels,
    model,
    logger,
    config.serving.annProbes,
  );
  // Load the versions the running experiment pins as soon as it starts, not on a request.
  const preload = (e: Experiment | undefined) =>
    pinnedModels.ensure(
      (e?.variants ?? []).map((v) => v.modelVersion).filter((v): v is string => v !== null),
    );
  experiments.onChange(preload);
  const services: Services = {
    config,
    logger,
    graph,
    graphBreaker,
    redis,
    eventsRedis,
    catalog,
    popularity,
    model,
    metrics,
    cache,
    appendOptions: defaultAppendOptions(config.events.stream),
    chooseVariant: opts.chooseVariant ?? ((req) => experiments.choose(req)),
    experiments,
    pinnedModels,
    // 10k seeds of up to 75 rows each: at most ~60 MB of rows; the hot seeds of a Zipf catalogue fit.
    seedNeighbours: createSeedNeighbourCache(
      config.serving.neighbourTtlSeconds * 1000,
      10_000,
      Date.now,
      (hits, misses) => {
        if (hits > 0) metrics.cacheRequests.inc({ cache: 'seed-neighbours', result: 'hit' }, hits);
        if (misses > 0) metrics.cacheRequests.inc({ cache: 'seed-neighbours', result: 'miss' }, misses);
      },
    ),
  };
  const setModelMetrics = () => {
    const m = model.current();
    metrics.modelInfo.reset();
    if (m) metrics.modelInfo.set({ version: m.version, role: 'active' }, 1);
    metrics.modelActive.set(m ? 1 : 0);
  };
  model.onChange(setModelMetrics);
  await model.refresh();
  setModelMetrics();
  preload(experiments.running());
  try {
    await catalog.reload();
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      'catalog not loaded at start (Neo4j down?); it is retried in the background',
    );
    const retry = setInterval(() => {
      catalog.reload().then(
        () => clearInterval(retry),
        () => undefined,
      );
    }, 5000);
    retry.unref();
  }
  // Warm the popularity cache so the first cold request does not pay for the range scan.
  void popularity
    .anchorFor(Date.now())
    .then((a) => popularity.top('WEEK', a))
    .catch(() => undefined);

  const app = express();
  app.disable('x-powered-by');
  // GraphQL answers are POSTed and per user: an ETag is never revalidated, and express would hash every body.
  app.set('etag', false);
  // req.ip (the admin routes' client address) reads X-Forwarded-For as the front does (rateLimit.ts).
  if (config.serving.trustedProxyHops > 0) app.set('trust proxy', config.serving.trustedProxyHops);
  // Its request handler is set once the GraphQL front exists (below).
  const httpServer = http.createServer();
  let draining = false;

  const origins = config.serving.corsOrigins;
  const corsHandler = cors({
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'x-api-key', 'authorization', 'apollo-require-preflight'],
    maxAge: 600,
  });
  app.use(corsHandler);
  app.use((req, res, next) => {
    metrics.inflight.inc();
    res.on('close', () => metrics.inflight.dec());
    next();
  });

  // GraphQL first: it is nearly every request, and express tries the routes in order.
  // One schema object for Apollo and for the pre-rendered answers (prerendered.ts), which execute against it too.
  const schema = makeExecutableSchema({ typeDefs, resolvers });
  const { maxDepth, maxCost, maxFirst, maxTokens, maxAliases, maxSelections } = config.serving;
  const limits = `${maxDepth}:${maxCost}:${maxFirst}:${maxTokens}:${maxAliases}:${maxSelections}`;
  const prerendered = createPrerendered(
    services,
    schema,
    crypto.createHash('sha1').update(`${typeDefs}\0${limits}`).digest('hex'),
  );
  const apollo = new ApolloServer<ApiContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // A document of more tokens is refused while it is parsed; the rest of its shape before it is validated.
    parseOptions: { maxTokens },
    // No automatic persisted queries: no client uses them, and a query is only ever the text the front checked.
    persistedQueries: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      queryLimitsPlugin({
        maxCost,
        maxFirst,
        budgetMs: config.serving.requestBudgetMs,
      }),
      metricsPlugin(services),
      // An API, not a playground: GET /graphql from a browser gets JSON like any other client.
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP cache hints are served (answers are per user); the default cache-control plugin would still
      // wrap every resolver with a willResolveField hook.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();
  const rateLimiter = createRateLimiter(redis, {
    perClientPerMinute: config.serving.rateLimitPerMinute,
    perKeyPerMinute: config.serving.rateLimitPerKeyPerMinute,
  });
  const contextFor = (res: FrontResponse): ApiContext => {
    const caller = callerOf(res);
    const ctx: ApiContext = {
      caller,
      isAdmin: caller.role === 'admin',
      // Each loader is made on first use (loaders.ts).
      loaders: createLoaders(graph, catalog, config.serving.maxFirst),
      services,
      variant: 'control',
    };
    prerendered.passOn(res, ctx);
    return ctx;
  };
  const keyGuesses = createKeyGuessLimiter(
    redis,
    { limit: config.privacy.keyGuessLimit, windowSeconds: config.privacy.keyGuessWindowSeconds },
    logger,
  );
  const front = createFront({
    apollo,
    api: config.api,
    keyGuesses,
    cors: corsHandler as unknown as Parameters<typeof createFront>[0]['cors'],
    rateLimiter,
    trustedProxyHops: config.serving.trustedProxyHops,
    checkDocument: createDocumentGate({ maxTokens, maxDepth, maxAliases, maxSelections }),
    prerendered,
    redis,
    metrics,
    logger,
    context: contextFor,
  });
  // Every /graphql request is answered by the front (front.ts) before express; express serves the rest.
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!front(req, res)) app(req, res);
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const check = async (work: () => Promise<unknown>) => {
      try {
        await withTimeout(Promise.resolve().then(work), 1000, 'check');
        return { ok: true };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    };
    const [neo4j, redisCheck] = await Promise.all([
      check(() => graph.verify()),
      check(() => checkRedis(redis)),
    ]);
    const m = model.current();
    const modelCheck = m
      ? { ok: true, version: m.version }
      : { ok: false, error: 'no active model (popularity serves)' };
    const catalogCheck = catalog.loaded()
      ? { ok: true, products: catalog.size() }
      : { ok: false, error: 'the product catalogue is not loaded yet (it needs Neo4j once)' };
    // Ready means this pod can answer usefully: a model and the catalogue in memory. Neo4j and Redis are shared
    // by every pod: gating on them would take all pods out of the Service together when one blips, while each
    // can still serve degraded answers (embeddings, popularity, uncached). They are reported, not gated on.
    const ready = !draining && modelCheck.ok && catalogCheck.ok;
    const degraded = !neo4j.ok || !redisCheck.ok;
    res.status(ready ? 200 : 503).json({
      ready,
      degraded,
      draining,
      checks: { neo4j, redis: redisCheck, model: modelCheck, catalog: catalogCheck },
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  const demo = path.join(config.home, 'api', 'demo', 'public');
  if (fs.existsSync(demo)) app.use('/demo', express.static(demo));
  opts.mount?.(app, { admin: requireAdmin(config.api, keyGuesses) });
  // Last: whatever no route took, and whatever a route failed with, is a typed JSON error.
  app.use(notFound);
  app.use(expressErrors(logger));

  const port = opts.port ?? config.api.port;
  collectStartupGarbage(logger);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, config.api.host, () => resolve());
  });
  const actual = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.api.host}:${actual}`;
  logger.info({ url: `${url}/graphql` }, 'graphrec API listening');

  let stopping: Promise<void> | undefined;
  return {
    app,
    services,
    url,
    port: actual,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        draining = true;
        // apollo.stop() runs the drain plugin: stop accepting, wait for in-flight requests, then close.
        const hard = setTimeout(() => httpServer.closeAllConnections(), graceMs);
        hard.unref();
        await apollo.stop();
        clearTimeout(hard);
        model.stop();
        experiments.close();
        catalog.stop();
        redis.disconnect();
        eventsRedis.disconnect();
        await graph.close();
      })();
      return stopping;
    },
  };
}
