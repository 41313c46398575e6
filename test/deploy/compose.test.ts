// docker-compose.yml cannot be run here (no Docker engine), so it is checked against the config contract:
// the services, images, ports and health checks, and that every variable it hands to graphrec is one that
// core/config.ts reads, with values that config accepts.
import { parse } from 'yaml';
import { z } from 'zod';
import {
  envDefaults,
  envIssues,
  interpolate,
  interpolations,
  literalSecrets,
  parseDotenv,
  readRepoFile,
  unknownEnvNames,
} from './repo';

const service = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  entrypoint: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  ports: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  profiles: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
});
const composeFile = z.object({
  services: z.record(z.string(), service),
  volumes: z.record(z.string(), z.unknown()),
});

const text = readRepoFile('docker-compose.yml');
const compose = composeFile.parse(parse(text));
const svc = (name: string) => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
const envOf = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(svc(name).environment ?? {}).map(([k, v]) => [k, String(v)]));

const graphrecServices = ['api', 'worker', 'bootstrap'];
const dotenv = parseDotenv(readRepoFile('.env.example'));
/** What a user's .env would hold: the example plus the secrets it leaves blank. */
const sampleVars = { ...dotenv, NEO4J_PASSWORD: 'a-long-enough-password', API_ADMIN_KEYS: 'k1,k2' };

interface PortMapping {
  hostIp?: string;
  hostVar?: string;
  hostDefault: number;
  container: number;
}
/** `[ip:]host:container`, where host may be `${VAR:-default}`. */
function portMappings(name: string): PortMapping[] {
  return (svc(name).ports ?? []).map((p) => {
    const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(?:\$\{(\w+):-(\d+)\}|(\d+)):(\d+)$/.exec(p);
    if (!m) throw new Error(`${name}: port mapping ${JSON.stringify(p)} is not [ip:]host:container`);
    return { hostIp: m[1], hostVar: m[2], hostDefault: Number(m[3] ?? m[4]), container: Number(m[5]) };
  });
}

describe('docker-compose.yml services', () => {
  it('has neo4j, redis, api, worker and a one-shot bootstrap', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'bootstrap', 'neo4j', 'redis', 'worker']);
  });

  it('runs Neo4j 5.26 Community and Redis 7', () => {
    expect(svc('neo4j').image).toBe('neo4j:5.26-community');
    expect(svc('redis').image).toMatch(/^redis:7(\.\d+)*(-[a-z]+)?$/);
  });

  it('builds api, worker and bootstrap from the one Dockerfile into the same image', () => {
    const images = new Set(graphrecServices.map((s) => svc(s).image));
    expect(images.size).toBe(1);
    for (const s of graphrecServices)
      expect(svc(s).build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
  });

  it('gives each role its command, and bootstrap the first-load chain in order, stopping at the first failure', () => {
    expect(svc('api').command).toEqual(['serve']);
    expect(svc('worker').command).toEqual(['worker']);
    const chain = [svc('bootstrap').command].flat().join(' ');
    expect(chain).toMatch(/^set -e;/);
    const steps = ['generate', 'etl load', 'train', 'models publish'].map((s) =>
      chain.indexOf(`graphrec.cjs ${s}`),
    );
    expect(steps.every((i) => i >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(svc('bootstrap').profiles).toEqual(['bootstrap']); // so `docker compose up` never re-runs it
  });

  it('makes the graphrec services wait for healthy Neo4j and Redis', () => {
    for (const s of graphrecServices) {
      expect(svc(s).depends_on).toEqual({
        neo4j: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  it('has health checks: cypher-shell RETURN 1, redis-cli ping, /healthz on the API port', () => {
    const check = (name: string) => (svc(name).healthcheck?.test ?? []).join(' ');
    expect(check('neo4j')).toMatch(/cypher-shell .*RETURN 1/);
    expect(check('redis')).toMatch(/redis-cli.* ping/);
    for (const s of ['api', 'worker']) expect(check(s)).toContain(`:${envDefaults.API_PORT}/healthz`);
  });

  it('keeps Redis on AOF persistence and every store on a named volume', () => {
    const redisArgs = (svc('redis').command as string[]).join(' ');
    expect(redisArgs).toContain('--appendonly yes');
    expect(redisArgs).toMatch(/--maxmemory \d+(kb|mb|gb) --maxmemory-policy noeviction/);
    expect(svc('redis').volumes).toContain('redis-data:/data');
    expect(svc('neo4j').volumes).toEqual(['neo4j-data:/data', 'neo4j-logs:/logs']);
    for (const s of graphrecServices) expect(svc(s).volumes).toEqual(['graphrec-data:/data']);
    expect(Object.keys(compose.volumes).sort()).toEqual([
      'graphrec-data',
      'neo4j-data',
      'neo4j-logs',
      'redis-data',
    ]);
  });
});

describe('docker-compose.yml ports match the config defaults', () => {
  it.each([
    ['neo4j', 'NEO4J_HTTP_PORT', 7474],
    ['neo4j', 'NEO4J_BOLT_PORT', 7687],
    ['redis', 'REDIS_PORT', 6379],
    ['api', 'API_PORT', 4000],
  ])('%s publishes %s (default %d) on loopback only', (name, variable, port) => {
    expect(envDefaults[variable]).toBe(port);
    const mapping = portMappings(name).find((p) => p.hostVar === variable);
    expect(mapping).toEqual({ hostIp: '127.0.0.1', hostVar: variable, hostDefault: port, container: port });
  });

  it('publishes nothing else', () => {
    expect(portMappings('neo4j')).toHaveLength(2);
    expect(portMappings('redis')).toHaveLength(1);
    expect(portMappings('api')).toHaveLength(1);
    expect(svc('worker').ports).toBeUndefined();
    expect(svc('bootstrap').ports).toBeUndefined();
  });
});

describe('docker-compose.yml environment', () => {
  it.each(graphrecServices)('%s sets only variables that core/config.ts reads', (name) => {
    expect(unknownEnvNames(Object.keys(envOf(name)))).toEqual([]);
  });

  it.each(graphrecServices)(
    '%s sets NEO4J_URI, NEO4J_PASSWORD and REDIS_URL to the compose services',
    (name) => {
      const env = envOf(name);
      expect(env.NEO4J_URI).toBe(`bolt://neo4j:${envDefaults.NEO4J_BOLT_PORT}`);
      expect(env.REDIS_URL).toBe(`redis://redis:${envDefaults.REDIS_PORT}`);
      expect(interpolations(env.NEO4J_PASSWORD ?? '')).toEqual([
        expect.objectContaining({ name: 'NEO4J_PASSWORD', op: ':?' }),
      ]);
    },
  );

  it('has the api listen on all interfaces of its container, on the port it publishes', () => {
    const env = envOf('api');
    expect(env.API_HOST).toBe('0.0.0.0'); // the default 127.0.0.1 would be unreachable from outside the container
    expect(envOf('worker').WORKER_HOST).toBe('0.0.0.0'); // likewise the worker's /healthz and /metrics
    expect(Number(env.API_PORT)).toBe(portMappings('api')[0].container);
  });

  it.each(graphrecServices)('%s has values that core/config.ts accepts once .env is filled in', (name) => {
    const resolved = Object.fromEntries(
      Object.entries(envOf(name)).map(([k, v]) => [k, interpolate(v, sampleVars)]),
    );
    expect(envIssues(resolved)).toEqual([]);
  });

  it('refuses to start without NEO4J_PASSWORD', () => {
    expect(() => interpolate(envOf('api').NEO4J_PASSWORD, { ...sampleVars, NEO4J_PASSWORD: '' })).toThrow(
      /^NEO4J_PASSWORD is required: set NEO4J_PASSWORD/,
    );
  });

  it('documents in .env.example every variable the file interpolates, and only config variables besides the tag', () => {
    const used = new Set(interpolations(text).map((i) => i.name));
    expect([...used].filter((n) => !(n in dotenv)).sort()).toEqual([]);
    expect(unknownEnvNames(Object.keys(dotenv))).toEqual(['GRAPHREC_IMAGE_TAG']);
  });
});

describe('no secret in the repository', () => {
  it.each(Object.keys(compose.services))('%s takes every password and key from a variable', (name) => {
    expect(literalSecrets(envOf(name))).toEqual([]);
  });

  it('contains neither the local dev default password nor a password in .env.example', () => {
    expect(text).not.toContain(String(envDefaults.NEO4J_PASSWORD));
    expect(dotenv.NEO4J_PASSWORD).toBe('');
    expect(dotenv.API_PUBLIC_KEYS).toBe('');
    expect(dotenv.API_ADMIN_KEYS).toBe('');
  });

  it('catches a literal secret, a secret with a literal default, and a literal Neo4j auth pair', () => {
    expect(
      literalSecrets({
        NEO4J_PASSWORD: 'hunter2hunter2',
        API_ADMIN_KEYS: '${API_ADMIN_KEYS:-abc123}',
        NEO4J_AUTH: 'neo4j/secret-password',
        API_PUBLIC_KEYS: '${API_PUBLIC_KEYS:-}',
        LOG_LEVEL: 'info',
      }),
    ).toEqual(['API_ADMIN_KEYS', 'NEO4J_AUTH', 'NEO4J_PASSWORD']);
  });

  it('reads the Neo4j health-check password from the container, not from the file', () => {
    expect(envOf('neo4j').NEO4J_AUTH).toMatch(/^neo4j\/\$\{NEO4J_PASSWORD:\?/);
    expect(svc('neo4j').healthcheck?.test.join(' ')).toContain('$${NEO4J_AUTH#neo4j/}');
  });
});
