// Structured logs (pino) always go to stderr, so that stdout stays free for a command's one JSON summary.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'graphrec'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}
