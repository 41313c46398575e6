// Standalone consumer process: `node --import tsx events/consumerMain.ts`. The worker (`graphrec worker`)
// runs the same consumer in-process; this entry exists to run and kill it on its own (fault tests).
import { createLogger, loadConfig } from '../core';
import { startEventConsumer } from './consumer';

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel, 'events-consumer');
const consumer = startEventConsumer({
  config,
  logger,
  consumerName: process.env.EVENTS_CONSUMER_NAME ?? undefined,
  claimIdleMs: Number(process.env.EVENTS_CLAIM_IDLE_MS ?? 30_000),
});
logger.info({ stream: config.events.stream }, 'events consumer started');
const shutdown = () => {
  void consumer.stop().then(() => {
    logger.info(consumer.stats(), 'events consumer stopped');
    process.exit(0);
  });
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
