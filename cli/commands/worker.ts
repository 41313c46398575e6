import { Command } from 'commander';
import { startWorker } from '../../jobs';
import { action } from '../runtime';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'Run the BullMQ workers (refresh stages, nightly schedule REFRESH_CRON, reports), the event-stream consumer, and /healthz /readyz /metrics',
    )
    .option('--port <n>', 'port of /healthz, /readyz and /metrics (default WORKER_PORT or API_PORT)')
    .option('--host <addr>', 'interface of /healthz, /readyz and /metrics (default WORKER_HOST, 127.0.0.1)')
    .option('--no-events', 'do not run the event-stream consumer')
    .option('--no-schedule', 'do not register the nightly refresh schedule')
    .option('--json', 'print one JSON summary on stdout when stopped')
    .action(
      action(async ({ config, logger }, _args, opts) => {
        let port: number | undefined;
        if (opts.port !== undefined) {
          port = Number(opts.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535)
            throw new Error(`--port must be an integer in [0, 65535], but got: ${JSON.stringify(opts.port)}`);
        }
        const w = await startWorker({
          config,
          logger,
          port,
          host: opts.host as string | undefined,
          events: opts.events !== false,
          schedule: opts.schedule !== false,
        });
        logger.info({ port: w.port }, 'worker running; SIGTERM or SIGINT stops it');
        const t0 = Date.now();
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        });
        logger.info('stopping the worker');
        await w.stop();
        return { stopped: true, uptimeSeconds: Math.round((Date.now() - t0) / 1000) };
      }),
    );
}
