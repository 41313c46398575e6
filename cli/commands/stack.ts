import { Command } from 'commander';
import { stackDown, stackStatus, stackUp, StackStatus } from '../../stack';
import { action } from '../runtime';

const renderStatus = (s: StackStatus) =>
  [
    `neo4j  ${s.neo4j.up ? 'up' : 'DOWN'}  ${s.neo4j.version ?? ''} ${s.neo4j.bolt}${s.neo4j.browser ? `  browser ${s.neo4j.browser}` : ''}${s.neo4j.error ? `  (${s.neo4j.error})` : ''}`,
    `redis  ${s.redis.up ? 'up' : 'DOWN'}  ${s.redis.version ?? ''} ${s.redis.url}${s.redis.error ? `  (${s.redis.error})` : ''}`,
    ...(s.redis.cluster
      ? [
          `       cluster ${s.redis.cluster.state}: ${s.redis.cluster.masters} masters, ${s.redis.cluster.replicas} replicas, ${s.redis.cluster.slots} slots; nodes ${s.redis.cluster.nodes.map((n) => `${n.port}${n.up ? '' : ' DOWN'}`).join(', ')}`,
        ]
      : []),
  ].join('\n');

export function registerStack(program: Command): void {
  const stack = program
    .command('stack')
    .description(
      'Run the local Neo4j 5.26 and Redis 7 (or check the external ones NEO4J_URI / REDIS_URL name)',
    );
  stack
    .command('up')
    .description('Start Neo4j and Redis unless they already run; wait until Bolt answers RETURN 1')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(
        async ({ config, logger }) => {
          const result = await stackUp(config, logger);
          if (result.started.length === 0) logger.info('stack already running');
          return result;
        },
        (r) =>
          `${renderStatus(r)}\nstarted: ${r.started.join(', ') || 'nothing (already running)'} in ${r.seconds.toFixed(1)} s`,
      ),
    );
  stack
    .command('down')
    .description('Stop the Neo4j and Redis that graphrec started (never external ones); data is kept')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(
        async ({ config }) => stackDown(config),
        (r) => `stopped: ${r.stopped.join(', ') || 'nothing was running'}`,
      ),
    );
  stack
    .command('status')
    .description('Show whether Neo4j and Redis answer, and their versions')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config }) => {
        const status = await stackStatus(config);
        if (!status.neo4j.up || !status.redis.up) process.exitCode = 3;
        return status;
      }, renderStatus),
    );
}
