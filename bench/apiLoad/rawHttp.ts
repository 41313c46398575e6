// A minimal HTTP/1.1 client connection for the paced load generator: one request at a time on a keep-alive
// socket, the request's bytes built before the run, the response parsed just enough to know its status, body and
// end. Why not node:http's client: at 1,500 requests/s on a machine with one core of throughput, its per-request
// cost (an IncomingMessage, a ClientRequest, header objects, the Agent's bookkeeping) is taken from the server
// being measured; this takes a few Buffer operations.
import net from 'node:net';

export interface RawResponse {
  status: number;
  body: Buffer;
}

type Done = (err: Error | null, res?: RawResponse) => void;

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** The bytes of a POST with a JSON body. */
export function postRequest(url: URL, body: string): Buffer {
  const payload = Buffer.from(body);
  const head =
    `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/**
 * Parse one complete response from the start of `buf`: null while more bytes are needed. `closed` says the
 * peer has ended the stream (a response without a length ends there).
 */
export function parseResponse(
  buf: Buffer,
  closed = false,
): { response: RawResponse; keepAlive: boolean } | null {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd < 0) {
    if (closed) throw new Error('the connection closed before a complete response head');
    return null;
  }
  const head = buf.toString('latin1', 0, headEnd).toLowerCase();
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('http/1.') || !(status >= 100)) throw new Error('not an HTTP/1.x response');
  const header = (name: string) => {
    const at = head.indexOf(`\r\n${name}:`);
    if (at < 0) return undefined;
    const end = head.indexOf('\r\n', at + 2);
    return head.slice(at + name.length + 3, end < 0 ? undefined : end).trim();
  };
  const keepAlive = header('connection') !== 'close';
  const start = headEnd + 4;
  const length = header('content-length');
  if (length !== undefined) {
    const n = Number(length);
    if (buf.length < start + n) {
      if (closed) throw new Error('the connection closed inside a response body');
      return null;
    }
    return { response: { status, body: buf.subarray(start, start + n) }, keepAlive };
  }
  if (header('transfer-encoding')?.includes('chunked')) {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = buf.indexOf(CRLF, at);
      if (lineEnd < 0) break;
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (Number.isNaN(size)) throw new Error('a malformed chunk size');
      const dataStart = lineEnd + 2;
      if (size === 0) {
        // No trailers are expected: the last chunk is followed by one empty line.
        if (buf.length < dataStart + 2) break;
        return { response: { status, body: Buffer.concat(parts) }, keepAlive };
      }
      if (buf.length < dataStart + size + 2) break;
      parts.push(buf.subarray(dataStart, dataStart + size));
      at = dataStart + size + 2;
    }
    if (closed) throw new Error('the connection closed inside a chunked body');
    return null;
  }
  // Neither a length nor chunks: the body runs to the end of the stream.
  return closed ? { response: { status, body: buf.subarray(start) }, keepAlive: false } : null;
}

/** One keep-alive connection: `send` a request's bytes, get its response; one request at a time. */
export class RawConnection {
  private socket: net.Socket | null = null;
  private pending: Buffer | null = null;
  private done: Done | null = null;
  /** performance.now() when the current request was written (for the generator's timeout sweep). */
  sentAt = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  get busy(): boolean {
    return this.done !== null;
  }

  /** Open the socket ahead of the first request, so that connecting is not timed. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = this.open();
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  send(request: Buffer, done: Done): void {
    if (this.done) throw new Error('a RawConnection carries one request at a time');
    this.done = done;
    this.pending = null;
    this.sentAt = performance.now();
    (this.socket ?? this.open()).write(request);
  }

  /** Fail the request in flight (a timeout) and drop the socket; the next send opens a new one. */
  abort(err: Error): void {
    // Dropped first: the request's callback may send the next request, which must get a new socket.
    this.drop();
    this.finish(err);
  }

  close(): void {
    this.drop();
  }

  private open(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    // Events of a socket this connection has dropped belong to no request.
    const current = () => this.socket === socket;
    socket.on('data', (chunk: Buffer) => current() && this.received(chunk, false));
    socket.on('end', () => current() && this.received(null, true));
    socket.on('error', (err) => {
      if (!current()) return;
      this.socket = null;
      this.finish(err);
    });
    socket.on('close', () => {
      if (!current()) return;
      this.socket = null;
      this.finish(new Error('the connection closed'));
    });
    return socket;
  }

  private received(chunk: Buffer | null, closed: boolean): void {
    if (!this.done) return;
    if (chunk) this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let parsed: ReturnType<typeof parseResponse>;
    try {
      parsed = parseResponse(this.pending ?? Buffer.alloc(0), closed);
    } catch (err) {
      this.abort(err as Error);
      return;
    }
    if (!parsed) return;
    if (!parsed.keepAlive) this.drop();
    this.pending = null;
    this.finish(null, parsed.response);
  }

  private finish(err: Error | null, res?: RawResponse): void {
    const done = this.done;
    if (!done) return;
    this.done = null;
    this.pending = null;
    done(err, res);
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
  }
}
