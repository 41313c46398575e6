// `graphrec serve`: start the GraphQL API (api/) and run until SIGTERM/SIGINT, then drain and exit.
import { Command } from 'commander';
import { startApiServer } from '../../api';
import { validationError } from '../../core';
import { action } from '../runtime';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the GraphQL API (/graphql, /healthz, /readyz, /metrics, /demo)')
    .option('--port <n>', 'listen on this port (default: API_PORT, 4000)')
    .option('--json', 'print one JSON summary on stdout when the server stops')
    .action(
      action(async ({ config, logger }, _args, opts) => {
        let port: number | undefined;
        if (opts.port !== undefined) {
          port = Number(opts.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535) {
            throw validationError(
              `--port must be an integer in [0, 65535], but got: ${JSON.stringify(opts.port)}`,
              {
                field: 'port',
              },
            );
          }
        }
        const server = await startApiServer({ config, logger, port });
        const startedAt = Date.now();
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            logger.info({ signal }, 'shutting down: draining in-flight requests');
            resolve();
          };
          process.once('SIGTERM', () => stop('SIGTERM'));
          process.once('SIGINT', () => stop('SIGINT'));
        });
        await server.stop();
        return { url: server.url, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
      }),
    );
}
