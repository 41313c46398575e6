// Typed configuration, parsed once at start-up from the environment (and CLI flags that override it).
// Nothing below the entry points reads process.env: they receive a Config.
import path from 'node:path';
import { z } from 'zod';
import { configError } from './errors';

// Each schema below carries its rule as its one error message ("an integer in [1, 65535]"), so that loadConfig
// can say "API_PORT must be <rule>, but got: <value>" whichever check failed; zod's own texts ("expected number,
// received NaN", "Too big: expected number to be <=65535") describe the check, not the variable.
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A number written in decimal digits (Number() alone reads "" as 0 and "0x1f" as 31). */
const numeric = (rule: string, syntax: RegExp, inRange: (n: number) => boolean) =>
  z.string({ error: rule }).trim().regex(syntax, rule).transform(Number).refine(inRange, rule);

const int = (min: number, max: number) =>
  numeric(`an integer in [${min}, ${max}]`, INTEGER, (n) => n >= min && n <= max);

/** A decimal number in an interval, brackets as in maths: `(]` excludes `lo` and includes `hi`. */
const decimal = (lo: number, hi: number, ends: '[]' | '(]' | '()') =>
  numeric(
    `a number in ${ends[0]}${lo}, ${hi}${ends[1]}`,
    DECIMAL,
    (n) => (ends[0] === '[' ? n >= lo : n > lo) && (ends[1] === ']' ? n <= hi : n < hi),
  );

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });

const nonEmpty = z.string({ error: 'a non-empty string' }).min(1, 'a non-empty string');

const port = int(1, 65535);
const bool = oneOf(['true', 'false', '1', '0', 'yes', 'no']).transform(
  (v) => v === 'true' || v === '1' || v === 'yes',
);

// A Bolt (bolt, bolt+s, bolt+ssc) or routing (neo4j, neo4j+s, neo4j+ssc) scheme, a host (a name, an IPv4 or a
// bracketed IPv6) and an optional numeric port. The driver would read `host:abc` as the default port 7687 and
// throws an untyped error on a routing context (?policy=eu) after a bolt scheme, so both are refused here.
// A user:password@ is not refused: graphrec authenticates with NEO4J_USER and NEO4J_PASSWORD whatever it holds.
const NEO4J_URI =
  /^(bolt|neo4j)(?:\+s|\+ssc)?:\/\/(?:[^\s/?#]*@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?\/?(\?[^\s#]*)?$/;

function isNeo4jUri(uri: string): boolean {
  const m = NEO4J_URI.exec(uri);
  if (m === null) return false;
  const [, scheme, port, routingContext] = m;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  return routingContext === undefined || scheme === 'neo4j';
}

/** Every environment variable graphrec reads, with its default. docker-compose.yml and k8s/ set these names. */
export const envSchema = z.object({
  GRAPHREC_HOME: nonEmpty.optional(),
  GRAPHREC_DATA_DIR: nonEmpty.optional(),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NEO4J_URI: z.string().refine(isNeo4jUri, 'a bolt:// or neo4j:// URI').optional(),
  NEO4J_USER: nonEmpty.default('neo4j'),
  NEO4J_PASSWORD: z
    .string()
    .min(8, 'at least 8 characters (Neo4j refuses shorter ones)')
    .default('graphrec-local-dev'),
  NEO4J_DATABASE: nonEmpty.default('neo4j'),
  NEO4J_BOLT_PORT: port.default(7687),
  NEO4J_HTTP_PORT: port.default(7474),
  NEO4J_HEAP: z
    .string()
    .regex(/^\d+[mg]$/, 'a size such as 2g or 512m')
    .default('2g'),
  NEO4J_PAGECACHE: z
    .string()
    .regex(/^\d+[mg]$/, 'a size such as 4g or 512m')
    .default('4g'),
  NEO4J_TX_MEMORY: z
    .string()
    .regex(/^\d+[mg]$/, 'a size such as 2g or 512m')
    .default('2g'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'a redis:// URL')
    .optional(),
  REDIS_PORT: port.default(6379),
  // maxmemory of the redis-server `graphrec stack up` starts (policy noeviction: docs/operations.md).
  REDIS_MAXMEMORY: z
    .string()
    .regex(/^[1-9][0-9]*(kb|mb|gb)$/i, 'a size such as 512mb or 2gb')
    .default('1gb'),
  // Redis Cluster (docs/deployment.md, "Redis Cluster"). REDIS_CLUSTER=1 alone: `graphrec stack up` runs a local
  // cluster on REDIS_CLUSTER_PORT and the next 5 ports (3 masters, each with REDIS_CLUSTER_REPLICAS replicas);
  // with REDIS_URL it names one node of a running cluster, and the client finds the others. REDIS_CLUSTER_NODES
  // lists several start-up nodes of a running cluster (so that one of them down does not stop a start).
  REDIS_CLUSTER: bool.optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9._-]+:\d{1,5}\s*(,\s*[A-Za-z0-9._-]+:\d{1,5}\s*)*$/,
      'a comma-separated list of host:port, e.g. 10.0.0.1:6379,10.0.0.2:6379',
    )
    .optional(),
  // The cluster bus listens 10000 above each node's port, so the six nodes need base..base+5 and base+10000..
  REDIS_CLUSTER_PORT: int(1024, 55530).default(7100),
  REDIS_CLUSTER_REPLICAS: int(0, 1).default(1),
  API_PORT: port.default(4000),
  API_HOST: z.string().default('127.0.0.1'),
  API_PUBLIC_KEYS: z.string().default(''),
  API_ADMIN_KEYS: z.string().default(''),
  STACK_START_TIMEOUT_S: int(5, 3600).default(120),
  GRAPHREC_PROGRESS: bool.optional(),
  // Serving (graphrec serve) and event ingestion (events/).
  API_CORS_ORIGINS: z.string().default('*'),
  API_RATE_LIMIT_PER_MIN: int(1, 10_000_000).default(60_000),
  // Requests per minute for one API key over all its clients (API_RATE_LIMIT_PER_MIN is per client).
  API_RATE_LIMIT_PER_KEY_PER_MIN: int(1, 100_000_000).default(600_000),
  // Proxies in front of the API whose X-Forwarded-For is believed; 0: the TCP peer is the client.
  API_TRUSTED_PROXY_HOPS: int(0, 10).default(0),
  API_CACHE_TTL_S: int(0, 86_400).default(300),
  API_MAX_FIRST: int(1, 1000).default(100),
  API_MAX_EVENT_BATCH: int(1, 10_000).default(100),
  API_MAX_DEPTH: int(2, 50).default(8),
  API_MAX_COST: int(10, 10_000_000).default(20_000),
  // The shape of a query, checked before validation (api/limits.ts): tokens, and aliases and field selections
  // counted with every fragment spread expanded.
  API_MAX_TOKENS: int(100, 1_000_000).default(2000),
  API_MAX_ALIASES: int(1, 100_000).default(100),
  API_MAX_SELECTIONS: int(10, 1_000_000).default(1000),
  // A request's execution time budget: resolvers that would start after it fail with TIMEOUT instead.
  API_REQUEST_BUDGET_MS: int(100, 600_000).default(10_000),
  API_VECTOR_INDEX: oneOf(['memory', 'neo4j']).default('memory'),
  // IVF lists scanned per in-process search (api/model/ivfIndex.ts); 0 = the exact full scan.
  API_ANN_PROBES: int(0, 100_000).default(32),
  // How long a seed product's graph neighbours are reused (api/recs/seedNeighbours.ts); 0 = always query.
  API_NEIGHBOUR_TTL_S: int(0, 86_400).default(60),
  API_MODEL_POLL_MS: int(100, 600_000).default(2000),
  EVENTS_STREAM: z
    .string()
    .regex(
      /^[A-Za-z0-9:_{}-]+$/,
      'a Redis key made of letters, digits, ":", "_", "-" and braces (a hash tag)',
    )
    .default('{graphrec}:events'),
  EVENTS_BATCH_SIZE: int(1, 10_000).default(500),
  // How often one event may fail with a transient graph error (deadlock, lock or transaction timeout) before it
  // is dead-lettered; an unreachable graph is waited out and never counts (events/classify.ts).
  EVENTS_MAX_ATTEMPTS: int(1, 1000).default(5),
  // The consumer counts as stuck (worker /readyz 503, graphrec_events_consumer_stuck) when it has had work for
  // this long without acknowledging anything.
  EVENTS_STUCK_AFTER_S: int(5, 86_400).default(120),
  // Dead letters kept (oldest trimmed first): they wait for an operator, but must not fill Redis.
  EVENTS_DEAD_LETTER_MAXLEN: int(100, 100_000_000).default(100_000),
  // The worker (jobs/): the nightly refresh schedule, its training data, retries and the quality gate.
  REFRESH_CRON: z
    .string()
    .regex(/^(\S+\s+){4,5}\S+$/, 'a cron expression of 5 or 6 fields, e.g. "30 2 * * *"')
    .default('30 2 * * *'),
  REFRESH_TZ: nonEmpty.default('UTC'),
  // The nightly drift report (reports queue), after the refresh; DRIFT_SHOP reads a generated shop's files
  // instead of the graph.
  DRIFT_CRON: z
    .string()
    .regex(/^(\S+\s+){4,5}\S+$/, 'a cron expression of 5 or 6 fields, e.g. "30 5 * * *"')
    .default('30 5 * * *'),
  DRIFT_SHOP: nonEmpty.optional(),
  REFRESH_DATA: nonEmpty.optional(),
  // The shop kinds need REFRESH_DATA=shop:DIR (or neo4j); the plain ones also train on lightgcn:DIR. `auto`
  // (train's default) is the context ranker on a shop and the tuned collaborative families on lightgcn:DIR.
  REFRESH_MODEL: oneOf([
    'auto',
    'lightgcn',
    'mf',
    'pop',
    'trend',
    'covisit',
    'lightgcn-meta',
    'ranker',
  ]).default('auto'),
  REFRESH_TIME_BUDGET_MIN: decimal(0, 24 * 60, '(]').default(15),
  // The train stage starts from the active model's E0 (rows matched by node id); `off` trains from scratch.
  REFRESH_WARM_START: oneOf(['active', 'off']).default('active'),
  REFRESH_ATTEMPTS: int(1, 20).default(3),
  REFRESH_BACKOFF_MS: int(10, 3_600_000).default(30_000),
  GATE_MAX_NDCG_DROP: decimal(0, 1, '[]').default(0.02),
  GATE_MAX_COLD_NDCG_DROP: decimal(0, 1, '[]').default(0.05),
  WORKER_PORT: port.optional(),
  // Interface of the worker's /healthz, /readyz and /metrics: loopback unless a container must be reached from
  // outside (k8s and compose set 0.0.0.0).
  WORKER_HOST: z.string().default('127.0.0.1'),
  // BullMQ key prefix of the worker's queues and of the refresh lock (a second stack on one Redis, or a test).
  JOBS_PREFIX: z
    .string()
    .regex(
      /^[A-Za-z0-9:_{}-]+$/,
      'a Redis key prefix made of letters, digits, ":", "_", "-" and braces (a hash tag)',
    )
    .default('{graphrec:bull}'),
  // How long a running job's lock lives without renewal, and how often workers look for jobs whose lock
  // expired (a killed worker's): together they bound how soon another worker resumes a stage.
  WORKER_LOCK_DURATION_MS: int(1000, 3_600_000).default(300_000),
  WORKER_STALLED_INTERVAL_MS: int(500, 3_600_000).default(60_000),
  // A/B testing (experiments/): where definitions and counters live, config-defined experiments, statistics.
  EXPERIMENTS_PREFIX: z
    .string()
    .regex(
      /^[A-Za-z0-9:_{}-]+$/,
      'a Redis key prefix made of letters, digits, ":", "_", "-" and braces (a hash tag)',
    )
    .default('{graphrec:ab}'),
  EXPERIMENTS_FILE: nonEmpty.optional(),
  EXPERIMENTS_JSON: nonEmpty.optional(),
  EXPERIMENTS_POLL_MS: int(100, 600_000).default(5000),
  EXPERIMENTS_MAX_PINNED_MODELS: int(0, 16).default(2),
  EXPERIMENTS_ATTRIBUTION_TTL_S: int(60, 90 * 86_400).default(7 * 86_400),
  EXPERIMENTS_MDE: decimal(0, 10, '(]').default(0.05),
  EXPERIMENTS_POWER: decimal(0.5, 1, '()').default(0.8),
  EXPERIMENTS_ALPHA: decimal(0, 0.5, '()').default(0.05),
  // Privacy (docs/privacy.md). The secret signs shopper tokens (HMAC-SHA256); the shop's backend holds the same
  // value to mint them. Unset: no token is valid, so per-shopper data goes to admin keys only.
  // Empty (compose passes an unset variable as '') is unset.
  PRIVACY_TOKEN_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string({ error: 'a string of at least 32 characters' })
      .min(32, 'a string of at least 32 characters')
      .optional(),
  ),
  // The longest life a shopper token may have: a leaked token stops working soon.
  PRIVACY_TOKEN_MAX_TTL_S: int(30, 86_400).default(900),
  // Wrong API keys a client address may present per window before every keyed request from it is refused.
  API_KEY_GUESS_LIMIT: int(1, 1_000_000).default(20),
  API_KEY_GUESS_WINDOW_S: int(1, 86_400).default(900),
});
export type Env = z.infer<typeof envSchema>;

export interface Config {
  /** Root of the checkout (or the image's /app): where graph/server/pom.xml and cypher/ live. */
  home: string;
  /** Where local state lives: Neo4j and Redis data, model registry, caches. Git-ignored. */
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  /** Show progress bars: on a TTY unless GRAPHREC_PROGRESS says otherwise. */
  progress: boolean;
  neo4j: {
    /** The Bolt URI to use; `external` when NEO4J_URI was given, so `stack up` must start nothing. */
    uri: string;
    external: boolean;
    user: string;
    password: string;
    database: string;
    boltPort: number;
    httpPort: number;
    heap: string;
    pageCache: string;
    txMemory: string;
  };
  redis: {
    url: string;
    external: boolean;
    port: number;
    maxmemory: string;
    /** Null: one Redis at `url`. Else a Redis Cluster, reached through `nodes` (the start-up nodes). */
    cluster: RedisClusterConfig | null;
  };
  api: { host: string; port: number; publicKeys: string[]; adminKeys: string[] };
  stack: { startTimeoutSeconds: number };
  /** graphrec serve: limits, cache and model watching. */
  serving: {
    corsOrigins: string[];
    rateLimitPerMinute: number;
    cacheTtlSeconds: number;
    maxFirst: number;
    maxEventBatch: number;
    maxDepth: number;
    maxCost: number;
    maxTokens: number;
    maxAliases: number;
    maxSelections: number;
    requestBudgetMs: number;
    rateLimitPerKeyPerMinute: number;
    trustedProxyHops: number;
    vectorIndex: 'memory' | 'neo4j';
    /** IVF lists scanned per in-process search; 0 = exact scan. */
    annProbes: number;
    /** Seconds a seed's graph neighbours are reused; 0 = always query Neo4j. */
    neighbourTtlSeconds: number;
    modelPollMs: number;
  };
  /** Durable event ingestion (events/): the Redis stream and the consumer's batch size. */
  events: {
    stream: string;
    batchSize: number;
    /** Transient failures one event may have before it is dead-lettered. */
    maxAttempts: number;
    /** Work without an acknowledgement for this long makes the consumer stuck. */
    stuckAfterSeconds: number;
    deadLetterMaxLen: number;
  };
  /** graphrec worker and the refresh pipeline (jobs/). */
  jobs: {
    refreshCron: string;
    refreshTz: string;
    /** The nightly drift job's schedule (in refreshTz), and a shop directory to read instead of Neo4j. */
    driftCron: string;
    driftShop: string | null;
    /** Training data spec for the train stage until the Neo4j export exists, e.g. lightgcn:DIR. */
    refreshData: string | null;
    refreshModel: Env['REFRESH_MODEL'];
    /** Training time budget of the refresh's train stage, in minutes. */
    refreshTimeBudgetMinutes: number;
    /** `active`: warm-start the train stage from the active model (cold, with a warning, when it cannot). */
    refreshWarmStart: 'active' | 'off';
    attempts: number;
    backoffMs: number;
    /** Largest allowed relative NDCG@20 drop versus the active model, overall and per cold-start segment. */
    gateMaxNdcgDrop: number;
    gateMaxColdNdcgDrop: number;
    /** Port of the worker's /healthz, /readyz and /metrics (defaults to API_PORT). */
    port: number;
    /** Interface they listen on (WORKER_HOST, loopback by default). */
    host: string;
    /** BullMQ key prefix of the queues and the refresh lock. */
    prefix: string;
    /** Job lock lifetime and stalled-job check period of the BullMQ workers. */
    lockDurationMs: number;
    stalledIntervalMs: number;
  };
  /** Shopper tokens and the limit on wrong API keys (docs/privacy.md). */
  privacy: {
    /** Signs shopper tokens; null: no token is valid. */
    tokenSecret: string | null;
    tokenMaxTtlSeconds: number;
    keyGuessLimit: number;
    keyGuessWindowSeconds: number;
  };
  /** A/B testing (experiments/). */
  experiments: {
    /** Redis key prefix of definitions, exposures and counters. */
    prefix: string;
    /** Config-defined experiments (a JSON or YAML file, and/or inline JSON), upserted at API start. */
    file: string | null;
    json: string | null;
    /** How often an API process re-reads the definitions (admin changes in other replicas). */
    pollMs: number;
    /** How many model versions pinned by variants an API process holds besides the active one. */
    maxPinnedModels: number;
    /** How long a recId can be attributed an outcome after its exposure. */
    attributionTtlSeconds: number;
    /** Relative minimum detectable effect, power and significance level of the sample-size check. */
    mde: number;
    power: number;
    alpha: number;
  };
}

export interface RedisClusterConfig {
  nodes: Array<{ host: string; port: number }>;
  /** A cluster graphrec does not start (REDIS_URL or REDIS_CLUSTER_NODES named it). */
  external: boolean;
  /** The local cluster's first port (its nodes use this and the next 5) and replicas per master. */
  basePort: number;
  replicas: number;
}

/** The hash tag every key of the event path carries (events/keys.ts); EVENTS_STREAM must carry it too. */
export const EVENTS_HASH_TAG = '{graphrec}';

/** The first hash tag of a key ({...} with something inside), which decides its cluster slot; null if none. */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open, close + 1) : null;
}

const splitKeys = (s: string) =>
  s
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);

/** Variables whose values are secrets: an error names them but never prints what they hold. */
const SECRET_VARIABLES = new Set([
  'NEO4J_PASSWORD',
  'API_PUBLIC_KEYS',
  'API_ADMIN_KEYS',
  'PRIVACY_TOKEN_SECRET',
]);

/**
 * A rejected value as an error may show it: a secret as its length only, a URI without the user:password@ part
 * (everything up to the last '@' of the authority, so a password holding '@' or '/' goes too).
 */
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (SECRET_VARIABLES.has(name)) return `a value of ${value.length} characters (not shown: a secret)`;
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^#]*@/i, '$1***@'));
}

/**
 * The Redis Cluster the environment names, or null. In a cluster, the keys one script or transaction touches
 * must share a slot, so each key family that has such keys must carry a hash tag: refused here, at start-up,
 * rather than as CROSSSLOT errors on the first event.
 */
function redisCluster(e: Env, env: NodeJS.ProcessEnv): RedisClusterConfig | null {
  const wanted = e.REDIS_CLUSTER ?? e.REDIS_CLUSTER_NODES !== undefined;
  if (!wanted) {
    if (e.REDIS_CLUSTER_NODES !== undefined)
      throw configError(
        `REDIS_CLUSTER_NODES names a cluster but REDIS_CLUSTER=${env.REDIS_CLUSTER} says there is none; unset one of them`,
        'REDIS_CLUSTER_NODES',
      );
    return null;
  }
  const tagged: Array<[string, string, string]> = [
    [
      'EVENTS_STREAM',
      e.EVENTS_STREAM,
      `a key carrying the hash tag ${EVENTS_HASH_TAG} first, e.g. ${EVENTS_HASH_TAG}:events`,
    ],
    [
      'JOBS_PREFIX',
      e.JOBS_PREFIX,
      'a prefix carrying a hash tag, e.g. {graphrec:bull} (BullMQ on a cluster)',
    ],
    ['EXPERIMENTS_PREFIX', e.EXPERIMENTS_PREFIX, 'a prefix carrying a hash tag, e.g. {graphrec:ab}'],
  ];
  for (const [name, value, rule] of tagged) {
    const tag = hashTagOf(value);
    const ok = name === 'EVENTS_STREAM' ? tag === EVENTS_HASH_TAG : tag !== null;
    if (!ok)
      throw configError(
        `${name} must be ${rule} when Redis is a cluster (its keys are used together by one script), but got: ${JSON.stringify(value)}`,
        name,
      );
  }
  const listed = e.REDIS_CLUSTER_NODES?.split(',').map((hp) => {
    const [host, p] = hp.trim().split(':');
    return { host, port: Number(p) };
  });
  const badPort = listed?.find((n) => n.port < 1 || n.port > 65535);
  if (badPort)
    throw configError(
      `REDIS_CLUSTER_NODES must name ports in [1, 65535], but got: ${JSON.stringify(`${badPort.host}:${badPort.port}`)}`,
      'REDIS_CLUSTER_NODES',
    );
  const fromUrl = e.REDIS_URL === undefined ? undefined : new URL(e.REDIS_URL);
  const local = Array.from({ length: 3 }, (_, i) => ({ host: '127.0.0.1', port: e.REDIS_CLUSTER_PORT + i }));
  return {
    nodes:
      listed ??
      (fromUrl
        ? [{ host: fromUrl.hostname.replace(/^\[|\]$/g, ''), port: Number(fromUrl.port || 6379) }]
        : local),
    external: listed !== undefined || fromUrl !== undefined,
    basePort: e.REDIS_CLUSTER_PORT,
    replicas: e.REDIS_CLUSTER_REPLICAS,
  };
}

/** Parse an environment into a Config, or throw a CONFIG error naming the variable and what was expected. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { isTTY?: boolean } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    throw configError(
      `${name} must be ${issue.message.replace(/^Invalid input: /, '')}, but got: ${shownValue(name, env[name])}`,
      name,
    );
  }
  const e = parsed.data;
  const cluster = redisCluster(e, env);
  const home = path.resolve(e.GRAPHREC_HOME ?? path.join(__dirname, '..'));
  return {
    home,
    dataDir: path.resolve(e.GRAPHREC_DATA_DIR ?? path.join(home, '.data')),
    logLevel: e.LOG_LEVEL,
    progress: e.GRAPHREC_PROGRESS ?? Boolean(opts.isTTY ?? process.stderr.isTTY),
    neo4j: {
      uri: e.NEO4J_URI ?? `bolt://127.0.0.1:${e.NEO4J_BOLT_PORT}`,
      external: e.NEO4J_URI !== undefined,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE,
      boltPort: e.NEO4J_BOLT_PORT,
      httpPort: e.NEO4J_HTTP_PORT,
      heap: e.NEO4J_HEAP,
      pageCache: e.NEO4J_PAGECACHE,
      txMemory: e.NEO4J_TX_MEMORY,
    },
    redis: {
      // With a cluster: one of its nodes (for messages and probes); credentials and TLS always come from REDIS_URL.
      url:
        e.REDIS_URL ??
        (cluster
          ? `redis://${cluster.nodes[0].host}:${cluster.nodes[0].port}`
          : `redis://127.0.0.1:${e.REDIS_PORT}`),
      external: e.REDIS_URL !== undefined || (cluster?.external ?? false),
      port: e.REDIS_PORT,
      maxmemory: e.REDIS_MAXMEMORY,
      cluster,
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      publicKeys: splitKeys(e.API_PUBLIC_KEYS),
      adminKeys: splitKeys(e.API_ADMIN_KEYS),
    },
    stack: { startTimeoutSeconds: e.STACK_START_TIMEOUT_S },
    serving: {
      corsOrigins: splitKeys(e.API_CORS_ORIGINS),
      rateLimitPerMinute: e.API_RATE_LIMIT_PER_MIN,
      cacheTtlSeconds: e.API_CACHE_TTL_S,
      maxFirst: e.API_MAX_FIRST,
      maxEventBatch: e.API_MAX_EVENT_BATCH,
      maxDepth: e.API_MAX_DEPTH,
      maxCost: e.API_MAX_COST,
      maxTokens: e.API_MAX_TOKENS,
      maxAliases: e.API_MAX_ALIASES,
      maxSelections: e.API_MAX_SELECTIONS,
      requestBudgetMs: e.API_REQUEST_BUDGET_MS,
      rateLimitPerKeyPerMinute: e.API_RATE_LIMIT_PER_KEY_PER_MIN,
      trustedProxyHops: e.API_TRUSTED_PROXY_HOPS,
      vectorIndex: e.API_VECTOR_INDEX,
      annProbes: e.API_ANN_PROBES,
      neighbourTtlSeconds: e.API_NEIGHBOUR_TTL_S,
      modelPollMs: e.API_MODEL_POLL_MS,
    },
    events: {
      stream: e.EVENTS_STREAM,
      batchSize: e.EVENTS_BATCH_SIZE,
      maxAttempts: e.EVENTS_MAX_ATTEMPTS,
      stuckAfterSeconds: e.EVENTS_STUCK_AFTER_S,
      deadLetterMaxLen: e.EVENTS_DEAD_LETTER_MAXLEN,
    },
    jobs: {
      refreshCron: e.REFRESH_CRON,
      refreshTz: e.REFRESH_TZ,
      driftCron: e.DRIFT_CRON,
      driftShop: e.DRIFT_SHOP ?? null,
      refreshData: e.REFRESH_DATA ?? null,
      refreshModel: e.REFRESH_MODEL,
      refreshTimeBudgetMinutes: e.REFRESH_TIME_BUDGET_MIN,
      refreshWarmStart: e.REFRESH_WARM_START,
      attempts: e.REFRESH_ATTEMPTS,
      backoffMs: e.REFRESH_BACKOFF_MS,
      gateMaxNdcgDrop: e.GATE_MAX_NDCG_DROP,
      gateMaxColdNdcgDrop: e.GATE_MAX_COLD_NDCG_DROP,
      port: e.WORKER_PORT ?? e.API_PORT,
      host: e.WORKER_HOST,
      prefix: e.JOBS_PREFIX,
      lockDurationMs: e.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    },
    privacy: {
      tokenSecret: e.PRIVACY_TOKEN_SECRET ?? null,
      tokenMaxTtlSeconds: e.PRIVACY_TOKEN_MAX_TTL_S,
      keyGuessLimit: e.API_KEY_GUESS_LIMIT,
      keyGuessWindowSeconds: e.API_KEY_GUESS_WINDOW_S,
    },
    experiments: {
      prefix: e.EXPERIMENTS_PREFIX,
      file: e.EXPERIMENTS_FILE ?? null,
      json: e.EXPERIMENTS_JSON ?? null,
      pollMs: e.EXPERIMENTS_POLL_MS,
      maxPinnedModels: e.EXPERIMENTS_MAX_PINNED_MODELS,
      attributionTtlSeconds: e.EXPERIMENTS_ATTRIBUTION_TTL_S,
      mde: e.EXPERIMENTS_MDE,
      power: e.EXPERIMENTS_POWER,
      alpha: e.EXPERIMENTS_ALPHA,
    },
  };
}
