import { loadConfig } from '../core';
import { neo4jPaths, renderNeo4jConf } from './neo4j';
import { renderRedisConf } from './redis';

describe('rendered server configuration', () => {
  const config = loadConfig({
    GRAPHREC_HOME: '/srv/g',
    NEO4J_HEAP: '3g',
    NEO4J_PAGECACHE: '6g',
    NEO4J_BOLT_PORT: '17687',
    REDIS_PORT: '16379',
  });

  it('binds Neo4j to loopback on the configured ports, with auth and the configured memory', () => {
    const conf = renderNeo4jConf(config, neo4jPaths(config));
    expect(conf).toContain('server.bolt.listen_address=127.0.0.1:17687');
    expect(conf).toContain('server.http.listen_address=127.0.0.1:7474');
    expect(conf).toContain('dbms.security.auth_enabled=true');
    expect(conf).toContain('server.memory.heap.max_size=3g');
    expect(conf).toContain('server.memory.pagecache.size=6g');
    expect(conf).toContain('server.directories.data=/srv/g/.data/neo4j/data');
    expect(conf).toContain('dbms.usage_report.enabled=false');
  });

  it('advertises the configured ports, so Neo4j Browser offers the Bolt URL that answers', () => {
    const conf = renderNeo4jConf(
      loadConfig({ GRAPHREC_HOME: '/srv/g', NEO4J_BOLT_PORT: '17687', NEO4J_HTTP_PORT: '17474' }),
      neo4jPaths(config),
    ).split('\n');
    expect(conf).toEqual(
      expect.arrayContaining([
        'server.bolt.listen_address=127.0.0.1:17687',
        'server.bolt.advertised_address=127.0.0.1:17687',
        'server.http.listen_address=127.0.0.1:17474',
        'server.http.advertised_address=127.0.0.1:17474',
        'server.default_advertised_address=127.0.0.1',
      ]),
    );
    expect(conf.filter((l) => /advertised_address/.test(l))).toHaveLength(3);
  });

  it('runs Redis with AOF and no eviction (an evicted BullMQ key is a lost job)', () => {
    const conf = renderRedisConf(config, '/srv/g/.data/redis');
    expect(conf).toContain('port 16379');
    expect(conf).toContain('appendonly yes');
    expect(conf).toContain('maxmemory-policy noeviction');
    expect(conf).toMatch(/^maxmemory \d+(kb|mb|gb)$/m); // bounded: a full Redis refuses writes, never swaps
    expect(conf).toContain('dir /srv/g/.data/redis');
  });
});
