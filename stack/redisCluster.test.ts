import { loadConfig } from '../core';
import { parseClusterNodes, redisClusterPaths, renderClusterNodeConf } from './redisCluster';

describe('the local Redis Cluster', () => {
  const config = loadConfig({
    GRAPHREC_DATA_DIR: '/srv/data',
    REDIS_CLUSTER: '1',
    REDIS_CLUSTER_PORT: '7300',
  });

  it('gives each of the six nodes its own port and directory', () => {
    const { nodes } = redisClusterPaths(config);
    expect(nodes.map((n) => n.port)).toEqual([7300, 7301, 7302, 7303, 7304, 7305]);
    expect(nodes[2].conf).toBe('/srv/data/redis-cluster/7302/redis.conf');
  });

  it('runs each node as a cluster member with the single server memory policy', () => {
    const conf = renderClusterNodeConf(config, 7301, '/d');
    for (const line of [
      'port 7301',
      'bind 127.0.0.1',
      'cluster-enabled yes',
      'cluster-require-full-coverage no',
      'appendonly yes',
      'maxmemory 1gb',
      'maxmemory-policy noeviction',
    ])
      expect(conf.split('\n')).toContain(line);
  });

  it('reads roles, slot counts and failed members from CLUSTER NODES', () => {
    const text = [
      'a1 127.0.0.1:7300@17300 myself,master - 0 0 1 connected 0-5460',
      'b2 127.0.0.1:7301@17301 master - 0 1 2 connected 5461-10922 [10923->-c3]',
      'c3 127.0.0.1:7302@17302 master,fail - 0 1 3 disconnected 10923-16383',
      'd4 127.0.0.1:7303@17303 slave a1 0 1 1 connected',
    ].join('\n');
    expect(parseClusterNodes(text)).toEqual([
      { port: 7300, role: 'master', slots: 5461, failed: false },
      { port: 7301, role: 'master', slots: 5462, failed: false },
      { port: 7302, role: 'master', slots: 5461, failed: true },
      { port: 7303, role: 'replica', slots: 0, failed: false },
    ]);
  });
});
