import { Command } from 'commander';
import { migrateLegacyKeys, type LegacyMigration } from '../../events';
import { connectRedis } from '../../stack';
import { action } from '../runtime';

const renderMigration = (m: LegacyMigration) =>
  m.ran
    ? [
        `events: ${m.eventsCopied} unacknowledged copied to the new stream, ${m.eventsSkipped} acknowledged left, ${m.deadLettersCopied} dead letters copied; old streams ${m.oldStreamsDeleted ? 'deleted' : 'KEPT (something appended meanwhile: run again)'}`,
        `keys: ${Object.entries(m.keysRenamed)
          .map(([f, n]) => `${n} ${f}`)
          .join(
            ', ',
          )} renamed; ${m.keysMerged} merged into newer keys; ${m.resultCacheDeleted} cached answers dropped`,
        `bullmq: ${m.oldQueueKeys} keys under the old prefix left in place (docs/operations.md)`,
      ].join('\n')
    : 'a Redis Cluster: nothing to migrate (it starts with the hash-tagged names)';

export function registerRedis(program: Command): void {
  const redis = program.command('redis').description('Redis upkeep (docs/operations.md)');

  redis
    .command('migrate-keys')
    .description(
      'Move an upgraded single Redis from the untagged key names (graphrec:events, graphrec:ab, ...) to the hash-tagged ones; the worker does this at start, a re-run is a no-op',
    )
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config, logger }) => {
        const client = connectRedis(config.redis, { maxRetriesPerRequest: 2 });
        try {
          return await migrateLegacyKeys(
            client,
            {
              stream: config.events.stream,
              experimentsPrefix: config.experiments.prefix,
              jobsPrefix: config.jobs.prefix,
            },
            { logger },
          );
        } finally {
          client.disconnect();
        }
      }, renderMigration),
    );
}
