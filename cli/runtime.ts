// What every subcommand shares: config parsed once, a stderr logger, and the --json contract
// (exactly one JSON object on stdout, the command's summary; everything else on stderr).
import { Command } from 'commander';
import { Config, createLogger, exitCodeFor, isGraphrecError, loadConfig, Logger } from '../core';

export interface CommandContext {
  config: Config;
  logger: Logger;
  json: boolean;
}

/** A JSON object, never an array: `--json` promises exactly one object on stdout (README, "The CLI"). */
export type Summary = object & { readonly length?: never };

/** Human rendering of a summary; without one the summary is printed as indented JSON. */
export type Render<S> = (summary: S) => string;

/**
 * Wrap a subcommand body. `run` gets the context plus commander's positional args and options, and returns
 * the summary. Errors become one line on stderr (and `{"error":...}` on stdout under --json) and an exit code
 * by kind.
 */
export function action<S extends Summary>(
  run: (ctx: CommandContext, args: string[], opts: Record<string, unknown>) => Promise<S>,
  render?: Render<S>,
) {
  return async (...raw: unknown[]): Promise<void> => {
    const cmd = raw[raw.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as Record<string, unknown>;
    const args = raw
      .slice(0, -2)
      .flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
    const json = Boolean(opts.json);
    let ctx: CommandContext | undefined;
    try {
      const config = loadConfig(process.env);
      ctx = { config, logger: createLogger(config.logLevel), json };
      const summary = await run(ctx, args, opts);
      process.stdout.write(
        json || !render ? `${JSON.stringify(summary, null, json ? 0 : 2)}\n` : `${render(summary)}\n`,
      );
    } catch (err) {
      reportError(err, json, ctx?.logger);
    }
  };
}

export function reportError(err: unknown, json: boolean, logger?: Logger): void {
  const known = isGraphrecError(err);
  const message = err instanceof Error ? err.message : String(err);
  const kind = known ? err.kind : 'INTERNAL';
  if (!known && logger) logger.error({ err }, 'unexpected error');
  process.stderr.write(`graphrec: ${known ? err.describe() : message}\n`);
  if (json)
    process.stdout.write(`${JSON.stringify({ error: { kind, message, ...(known ? err.where : {}) } })}\n`);
  process.exitCode = exitCodeFor[kind];
}

/** Parse repeated `--param k=v` flags; values that look like JSON numbers, booleans or null become those. */
export function parseParams(pairs: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--param must look like key=value, but got: ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    out[key] =
      /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)$/.test(raw) || /^[[{"]/.test(raw)
        ? safeJson(raw)
        : raw;
  }
  return out;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];
