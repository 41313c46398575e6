// The end of the express chain (every route but /graphql, which front.ts answers): a request no route took is a
// typed 404, and an error a route or middleware passed on is a typed JSON error instead of express's HTML page
// with its stack trace and the server's paths.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../core';
import type { ApiErrorCode } from './errors';
import { errorBody } from './transport';

const CODE_FOR_STATUS: Record<number, ApiErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody(`there is no ${req.method} ${req.path}`, 'NOT_FOUND'));
};

export function expressErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = (err ?? {}) as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
    const raw = typeof e.status === 'number' ? e.status : e.statusCode;
    const status = typeof raw === 'number' && raw >= 400 && raw < 500 ? raw : 500;
    if (status === 500) logger.error({ err, path: req.path }, 'unexpected error answering a request');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Only errors made to be shown (http-errors' `expose`, set on 4xx) keep their message.
    const message =
      status < 500 && e.expose === true && typeof e.message === 'string' ? e.message : 'the request failed';
    res
      .status(status)
      .json(
        status === 500
          ? errorBody('internal error', 'INTERNAL_SERVER_ERROR')
          : errorBody(message, CODE_FOR_STATUS[status] ?? 'BAD_REQUEST'),
      );
  };
}
