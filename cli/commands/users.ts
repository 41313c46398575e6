import os from 'node:os';
import { Command } from 'commander';
import { configError, validationError } from '../../core';
import { createGraphClient } from '../../graph';
import { forgetUser, mintShopperToken, type ForgetSummary } from '../../privacy';
import { connectRedis } from '../../stack';
import { action } from '../runtime';

const renderForget = (s: ForgetSummary) =>
  [
    `forgotten (subject ${s.subjectHash.slice(0, 16)}..., at ${s.at})${s.found ? '' : ': the graph held no such user'}`,
    `  graph: ${s.graph.users} user, ${s.graph.events} events, ${s.graph.relationships} relationships, ${s.graph.sessions} sessions, ${s.graph.anonymousUsers} anonymous users`,
    `  redis: ${s.redis.streamEntries} stream entries, ${s.redis.keys} keys, ${s.redis.unitMemberships} A/B unit memberships, ${s.redis.cacheEntries} cached answers`,
    '  the API stops serving them within 10 s; later exports skip them (docs/privacy.md)',
  ].join('\n');

export function registerUsers(program: Command): void {
  const users = program
    .command('users')
    .description("Shoppers' personal data: erasure and tokens (docs/privacy.md)");

  users
    .command('forget')
    .description(
      'Erase a shopper from Neo4j, Redis, served answers and every later export; keeps an audit record',
    )
    .argument('<id>', "the shop's user id")
    .option('--operator <name>', 'who asked, for the audit record (default: this OS user)')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(async ({ config, logger }, [id], opts) => {
        const graph = createGraphClient(config.neo4j, { app: 'graphrec-users' });
        const redis = connectRedis(config.redis, { maxRetriesPerRequest: 2 });
        try {
          return await forgetUser({ graph, redis, logger }, id, {
            stream: config.events.stream,
            experimentsPrefix: config.experiments.prefix,
            operator: `cli:${typeof opts.operator === 'string' ? opts.operator : os.userInfo().username}`,
            now: Date.now(),
          });
        } finally {
          redis.disconnect();
          await graph.close();
        }
      }, renderForget),
    );

  users
    .command('token')
    .description("Mint a shopper token for the shop's backend to hand to that shopper's browser")
    .argument('<id>', "the shop's user id")
    .option('--ttl <seconds>', 'lifetime, at most PRIVACY_TOKEN_MAX_TTL_S (its default)')
    .option('--json', 'print one JSON summary on stdout')
    .action(
      action(
        async ({ config }, [id], opts) => {
          const { tokenSecret, tokenMaxTtlSeconds } = config.privacy;
          if (!tokenSecret)
            throw configError('shopper tokens need PRIVACY_TOKEN_SECRET', 'PRIVACY_TOKEN_SECRET');
          const raw = opts.ttl === undefined ? String(tokenMaxTtlSeconds) : String(opts.ttl);
          const ttl = Number(raw);
          if (!/^\d+$/.test(raw) || ttl < 1 || ttl > tokenMaxTtlSeconds)
            throw validationError(
              `--ttl must be an integer in [1, ${tokenMaxTtlSeconds}], but got: ${JSON.stringify(raw)}`,
              { field: 'ttl' },
            );
          const now = Date.now();
          const token = mintShopperToken(tokenSecret, id, ttl, now);
          return { userId: id, token, expiresAt: new Date(Number(token.split('.')[2]) * 1000).toISOString() };
        },
        (s) => s.token,
      ),
    );
}
