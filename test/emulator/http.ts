/** Response helpers shared by the emulator's routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { FaultRule } from './faults';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  /** The fault rule this request drew, if any. */
  fault: FaultRule | undefined;
}

/** Sends a JSON body; a fault with `resetAfterBytes` cuts the connection part-way through it. */
export function sendJson(ctx: RequestContext, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = Buffer.from(JSON.stringify(body));
  sendBuffer(ctx, status, payload, { 'content-type': 'application/json', ...headers });
}

export function sendBuffer(ctx: RequestContext, status: number, payload: Buffer, headers: Record<string, string>): void {
  const { res } = ctx;
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
  const cut = ctx.fault?.resetAfterBytes;
  if (cut !== undefined && cut < payload.length) {
    res.write(payload.subarray(0, cut), () => res.destroy());
    return;
  }
  res.end(payload);
}

/**
 * Reads and discards the rest of a request body we answered early, so the client can finish sending and
 * read the answer instead of seeing EPIPE; the connection is closed afterwards.
 */
export function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export function discardRequestBody(req: IncomingMessage): void {
  req.unpipe();
  req.resume();
}

/** Counts bytes flowing through and calls `onLimit` once `limit` bytes have passed. */
export class ByteTripwire extends Transform {
  private seen = 0;
  private tripped = false;

  constructor(private readonly limit: number, private readonly onLimit: () => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.tripped) return callback();
    const room = this.limit - this.seen;
    if (chunk.length < room) {
      this.seen += chunk.length;
      return callback(null, chunk);
    }
    this.seen = this.limit;
    this.tripped = true;
    if (room > 0) this.push(chunk.subarray(0, room));
    callback();
    this.onLimit();
  }
}
