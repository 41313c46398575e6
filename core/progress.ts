// Long work reports progress: a bar on a TTY, a structured log line at most every few seconds otherwise.
import cliProgress from 'cli-progress';
import type { Logger } from './logger';

export interface Progress {
  /** Set the absolute position; `fields` are shown beside the bar (loss, ndcg, rows/s, ...). */
  update(done: number, fields?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  tty: boolean;
  logger: Logger;
  /** Minimum milliseconds between log lines when not on a TTY. */
  logEveryMs?: number;
}

export function createProgress(opts: ProgressOptions): Progress {
  if (opts.tty) return barProgress(opts);
  return logProgress(opts);
}

function formatFields(fields: Record<string, string | number> | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(5) : v}`)
    .join(' ');
}

function barProgress({ label, total }: ProgressOptions): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted} {extra}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { extra: '' });
  return {
    update: (done, fields) => bar.update(done, { extra: formatFields(fields) }),
    setTotal: (t) => bar.setTotal(t),
    stop: () => bar.stop(),
  };
}

function logProgress({ label, total, logger, logEveryMs = 5000 }: ProgressOptions): Progress {
  let last = 0;
  let t = total;
  let lastDone = 0;
  let lastFields: Record<string, string | number> | undefined;
  const emit = (done: number) =>
    logger.info({ progress: label, done, total: t, ...lastFields }, `${label} ${done}/${t}`);
  return {
    update(done, fields) {
      lastDone = done;
      lastFields = fields;
      const now = Date.now();
      if (now - last >= logEveryMs) {
        last = now;
        emit(done);
      }
    },
    setTotal: (n) => {
      t = n;
    },
    stop: () => emit(lastDone),
  };
}
