import { hashTagOf, loadConfig, envSchema } from './config';
import { GraphrecError } from './errors';

const failure = (env: NodeJS.ProcessEnv): GraphrecError => {
  try {
    loadConfig(env, { isTTY: false });
  } catch (e) {
    return e as GraphrecError;
  }
  throw new Error('expected loadConfig to throw');
};

describe('loadConfig', () => {
  it('gives the documented local defaults', () => {
    const c = loadConfig({ GRAPHREC_HOME: '/srv/graphrec' }, { isTTY: false });
    expect(c.neo4j).toMatchObject({
      uri: 'bolt://127.0.0.1:7687',
      external: false,
      user: 'neo4j',
      password: 'graphrec-local-dev',
      database: 'neo4j',
      heap: '2g',
      pageCache: '4g',
    });
    expect(c.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      external: false,
      port: 6379,
      maxmemory: '1gb',
      cluster: null,
    });
    expect(c.dataDir).toBe('/srv/graphrec/.data');
    expect(c.progress).toBe(false);
    expect(c.api.port).toBe(4000);
  });

  it('treats NEO4J_URI and REDIS_URL as external servers to use, not start', () => {
    const c = loadConfig(
      { NEO4J_URI: 'neo4j+s://abc.databases.neo4j.io', REDIS_URL: 'redis://cache:6380' },
      { isTTY: false },
    );
    expect(c.neo4j.external).toBe(true);
    expect(c.neo4j.uri).toBe('neo4j+s://abc.databases.neo4j.io');
    expect(c.redis).toMatchObject({ url: 'redis://cache:6380', external: true });
  });

  it.each([
    'bolt://neo4j:7687',
    'bolt+s://db.example.com',
    'bolt+ssc://10.0.0.5:7687',
    'neo4j://core-0.neo4j.svc:7687',
    'neo4j+s://abc.databases.neo4j.io',
    'neo4j+ssc://[::1]:7687',
    'neo4j://core-0:7687?policy=eu',
  ])('accepts NEO4J_URI %s', (uri) => {
    expect(loadConfig({ NEO4J_URI: uri }).neo4j.uri).toBe(uri);
  });

  it.each([
    'http://localhost:7474',
    'neo4js://h',
    'neo4j+x://h',
    'neo4j://',
    'neo4j:// h',
    'neo4j://h:abc',
    'neo4j://h:0',
    'neo4j://h:65536',
    'bolt://h:7687?policy=eu',
  ])('refuses NEO4J_URI %s with a CONFIG error naming the field', (uri) => {
    const err = failure({ NEO4J_URI: uri });
    expect(err.kind).toBe('CONFIG');
    expect(err.where.field).toBe('NEO4J_URI');
    expect(err.message).toBe(`NEO4J_URI must be a bolt:// or neo4j:// URI, but got: ${JSON.stringify(uri)}`);
  });

  it('derives the Bolt URI from NEO4J_BOLT_PORT', () => {
    expect(loadConfig({ NEO4J_BOLT_PORT: '17687' }).neo4j.uri).toBe('bolt://127.0.0.1:17687');
  });

  it('splits key lists and honours GRAPHREC_PROGRESS', () => {
    const c = loadConfig({ API_ADMIN_KEYS: ' a1, b2 ,,', GRAPHREC_PROGRESS: 'yes' }, { isTTY: false });
    expect(c.api.adminKeys).toEqual(['a1', 'b2']);
    expect(c.progress).toBe(true);
  });

  it.each([
    [{ API_PORT: 'abc' }, 'API_PORT must be an integer in [1, 65535], but got: "abc"'],
    [{ NEO4J_BOLT_PORT: '70000' }, 'NEO4J_BOLT_PORT must be an integer in [1, 65535], but got: "70000"'],
    [{ WORKER_PORT: '4001.5' }, 'WORKER_PORT must be an integer in [1, 65535], but got: "4001.5"'],
    [{ API_CACHE_TTL_S: '' }, 'API_CACHE_TTL_S must be an integer in [0, 86400], but got: ""'],
    [{ API_MAX_FIRST: '0x10' }, 'API_MAX_FIRST must be an integer in [1, 1000], but got: "0x10"'],
    [
      { REFRESH_TIME_BUDGET_MIN: 'ten' },
      'REFRESH_TIME_BUDGET_MIN must be a number in (0, 1440], but got: "ten"',
    ],
    [{ REFRESH_TIME_BUDGET_MIN: '0' }, 'REFRESH_TIME_BUDGET_MIN must be a number in (0, 1440], but got: "0"'],
    [{ EXPERIMENTS_POWER: '1' }, 'EXPERIMENTS_POWER must be a number in (0.5, 1), but got: "1"'],
    [{ GATE_MAX_NDCG_DROP: '-0.1' }, 'GATE_MAX_NDCG_DROP must be a number in [0, 1], but got: "-0.1"'],
    [{ NEO4J_USER: '' }, 'NEO4J_USER must be a non-empty string, but got: ""'],
    [{ API_VECTOR_INDEX: 'faiss' }, 'API_VECTOR_INDEX must be one of "memory", "neo4j", but got: "faiss"'],
    [
      { NEO4J_URI: 'http://localhost:7474' },
      'NEO4J_URI must be a bolt:// or neo4j:// URI, but got: "http://localhost:7474"',
    ],
    [
      { NEO4J_PASSWORD: 'short' },
      'NEO4J_PASSWORD must be at least 8 characters (Neo4j refuses shorter ones), but got: a value of 5 characters (not shown: a secret)',
    ],
    [{ NEO4J_HEAP: '2 GB' }, 'NEO4J_HEAP must be a size such as 2g or 512m, but got: "2 GB"'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// URL, but got: "localhost:6379"'],
  ])('rejects %j with a message naming the variable', (env, message) => {
    const err = failure(env);
    expect(err.kind).toBe('CONFIG');
    expect(err.where.field).toBe(Object.keys(env)[0]);
    expect(err.message).toBe(message);
  });

  it('names LOG_LEVEL and the allowed values', () => {
    const err = failure({ LOG_LEVEL: 'loud' });
    expect(err.where.field).toBe('LOG_LEVEL');
    expect(err.message).toBe(
      'LOG_LEVEL must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", but got: "loud"',
    );
  });

  it('never prints a secret or the credentials of a URI it refuses', () => {
    const pw = failure({ NEO4J_PASSWORD: 'Xy9#q' });
    expect(pw.message).toContain('NEO4J_PASSWORD must be');
    expect(pw.message).toContain('a value of 5 characters (not shown: a secret)');
    expect(pw.message).not.toContain('Xy9#q');
    const token = failure({ PRIVACY_TOKEN_SECRET: 'tooshort-secret' });
    expect(token.message).not.toContain('tooshort-secret');
    const uri = failure({ NEO4J_URI: 'http://neo4j:p@ss/w0rd@db.example:7687' });
    expect(uri.message).toContain('"http://***@db.example:7687"');
    expect(uri.message).not.toContain('w0rd');
    const redis = failure({ REDIS_URL: 'http://:hunter2@cache:6379' });
    expect(redis.message).not.toContain('hunter2');
  });

  it("states the rule of every numeric variable, never zod's wording", () => {
    const numeric = Object.entries(envSchema.parse({}))
      .filter(([, v]) => typeof v === 'number')
      .map(([k]) => k);
    expect(numeric).toEqual(
      expect.arrayContaining(['API_PORT', 'REFRESH_TIME_BUDGET_MIN', 'EXPERIMENTS_ALPHA']),
    );
    for (const name of [...numeric, 'WORKER_PORT']) {
      expect(failure({ [name]: 'abc' }).message).toMatch(
        new RegExp(`^${name} must be (an integer|a number) in [[(]-?[\\d.]+, [\\d.]+[)\\]], but got: "abc"$`),
      );
    }
  });

  it('reads numbers written in decimal, with surrounding blanks', () => {
    const c = loadConfig(
      {
        API_PORT: ' 4100 ',
        GATE_MAX_NDCG_DROP: '.5',
        EXPERIMENTS_ALPHA: '1e-2',
        REFRESH_TIME_BUDGET_MIN: '2.5',
      },
      { isTTY: false },
    );
    expect(c.api.port).toBe(4100);
    expect(c.jobs.gateMaxNdcgDrop).toBe(0.5);
    expect(c.experiments.alpha).toBe(0.01);
    expect(c.jobs.refreshTimeBudgetMinutes).toBe(2.5);
  });

  it('lists every variable it reads in envSchema (deploy files are checked against it)', () => {
    expect(Object.keys(envSchema.shape)).toEqual(
      expect.arrayContaining(['NEO4J_URI', 'NEO4J_PASSWORD', 'REDIS_URL', 'API_PORT']),
    );
  });

  describe('Redis Cluster', () => {
    it('REDIS_CLUSTER=1 alone is a local cluster on REDIS_CLUSTER_PORT and the next ports', () => {
      const c = loadConfig({ REDIS_CLUSTER: '1', REDIS_CLUSTER_PORT: '7200' });
      expect(c.redis.url).toBe('redis://127.0.0.1:7200');
      expect(c.redis.external).toBe(false);
      expect(c.redis.cluster).toEqual({
        nodes: [7200, 7201, 7202].map((port) => ({ host: '127.0.0.1', port })),
        external: false,
        basePort: 7200,
        replicas: 1,
      });
      expect([c.events.stream, c.jobs.prefix, c.experiments.prefix]).toEqual([
        '{graphrec}:events',
        '{graphrec:bull}',
        '{graphrec:ab}',
      ]);
    });

    it('REDIS_CLUSTER with REDIS_URL names one node of a running cluster, credentials included', () => {
      const c = loadConfig({ REDIS_CLUSTER: 'true', REDIS_URL: 'rediss://u:pw@cache.example.com:6380' });
      expect(c.redis.cluster).toMatchObject({
        nodes: [{ host: 'cache.example.com', port: 6380 }],
        external: true,
      });
      expect(c.redis).toMatchObject({ url: 'rediss://u:pw@cache.example.com:6380', external: true });
    });

    it('REDIS_CLUSTER_NODES lists the start-up nodes and implies a cluster', () => {
      const c = loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:6379, 10.0.0.2:6380' });
      expect(c.redis.cluster?.nodes).toEqual([
        { host: '10.0.0.1', port: 6379 },
        { host: '10.0.0.2', port: 6380 },
      ]);
      expect(c.redis).toMatchObject({ url: 'redis://10.0.0.1:6379', external: true });
    });

    it.each([
      [
        { REDIS_CLUSTER_NODES: '10.0.0.1' },
        'REDIS_CLUSTER_NODES must be a comma-separated list of host:port, e.g. 10.0.0.1:6379,10.0.0.2:6379, but got: "10.0.0.1"',
      ],
      [
        { REDIS_CLUSTER_NODES: 'a:6379,b:70000' },
        'REDIS_CLUSTER_NODES must name ports in [1, 65535], but got: "b:70000"',
      ],
      [
        { REDIS_CLUSTER: '0', REDIS_CLUSTER_NODES: 'a:6379' },
        'REDIS_CLUSTER_NODES names a cluster but REDIS_CLUSTER=0 says there is none; unset one of them',
      ],
      [
        { REDIS_CLUSTER: '1', EVENTS_STREAM: 'graphrec:events' },
        'EVENTS_STREAM must be a key carrying the hash tag {graphrec} first, e.g. {graphrec}:events when Redis is a cluster (its keys are used together by one script), but got: "graphrec:events"',
      ],
      [
        { REDIS_CLUSTER: '1', JOBS_PREFIX: 'bull' },
        'JOBS_PREFIX must be a prefix carrying a hash tag, e.g. {graphrec:bull} (BullMQ on a cluster) when Redis is a cluster (its keys are used together by one script), but got: "bull"',
      ],
      [
        { REDIS_CLUSTER: '1', EXPERIMENTS_PREFIX: 'ab:{}' },
        'EXPERIMENTS_PREFIX must be a prefix carrying a hash tag, e.g. {graphrec:ab} when Redis is a cluster (its keys are used together by one script), but got: "ab:{}"',
      ],
      [
        { REDIS_CLUSTER_PORT: '60000' },
        'REDIS_CLUSTER_PORT must be an integer in [1024, 55530], but got: "60000"',
      ],
    ])('refuses %j', (env, message) => {
      expect(failure(env).message).toBe(message);
    });

    it('hashTagOf finds the part of a key that decides its slot', () => {
      expect(hashTagOf('{graphrec}:events')).toBe('{graphrec}');
      expect(hashTagOf('a:{b}:{c}')).toBe('{b}');
      expect(hashTagOf('a:{}:{c}')).toBeNull();
      expect(hashTagOf('graphrec:events')).toBeNull();
    });
  });
});
