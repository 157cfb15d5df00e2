/**
 * A local emulator of Mistral's Files API (see shared/reference/mistral-files-api.md): the six /v1/files
 * routes with Mistral's wire shapes and errors, signed blob URLs, persistence in a data directory, and
 * scheduled faults for tests; also the Batch API (batch/) and OCR and transcription (documentRoutes.ts). Started in-process by tests or from the CLI (main.ts).
 */
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyForStatus, HttpError, methodNotAllowed, mistralErrorBody, routeNotFound, unauthorizedBody } from './errors';
import { describeInvalidRule, FaultQueue, type FaultInjector, type FaultRule } from './faults';
import { discardRequestBody, hasUnreadBody, sendJson, type RequestContext } from './http';
import { routeFilesApi, serveSignedBlob, type RouteEnv } from './routes';
import { isBatchPath, openBatch, routeBatchApi, routeBatchControl, type BatchControl } from './batch';
import { isDocumentPath, routeDocumentsApi } from './documentRoutes';
import { isOversizedUpload } from './upload';
import { seedDemo } from './seed';
import { seedScale } from './scaleSeed';
import { BLOB_PREFIX } from './signedUrl';
import { FileStore } from './store';
import { RequestLog } from './requestLog';

export type { FaultInjector, FaultRule } from './faults';
export type { BatchControl, BatchSettings } from './batch';
export type { FailRule } from './batch/types';
export type { LoggedRequest } from './requestLog';

export interface EmulatorOptions {
  /** Files and metadata persist here across restarts. */
  dataDir: string;
  /** The one valid bearer key. */
  apiKey: string;
  /** 0 or undefined = a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Realistic files in every purpose (only seeds when the store is empty). */
  seed?: 'demo';
  /** N small synthetic files over the four purposes (only when the store is empty): scale tests and the bench. */
  seedFiles?: number;
  /** Default 512 MiB; tests lower it to exercise 413 quickly. */
  maxUploadBytes?: number;
  /** Requests per second each batch job processes; default 20; 0 freezes jobs. Tests use a high rate. */
  batchRate?: number;
  /** Real milliseconds one hour of a batch job's `timeout_hours` lasts; default 3 600 000. */
  batchTimeoutHourMs?: number;
}

export interface RunningEmulator {
  url: string;
  port: number;
  dataDir: string;
  faults: FaultInjector;
  /** Batch test controls: requests to fail, speed. */
  batch: BatchControl;
  /** The API requests received (not the control routes), newest last and bounded. */
  requests: RequestLog;
  close(): Promise<void>;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const CONTROL_PREFIX = '/_emulator/';

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  if (!options.apiKey) throw new Error('The emulator needs an API key (the one bearer key it accepts).');
  const store = await FileStore.open(options.dataDir);
  // Demo batch jobs point at demo files, so they are seeded only together with them.
  const scaling = (options.seedFiles ?? 0) > 0 && store.isEmpty;
  const seeding = options.seed === 'demo' && store.isEmpty;
  if (seeding) await seedDemo(store);
  if (scaling) await seedScale(store, options.seedFiles ?? 0);
  const batch = await openBatch(store, { rate: options.batchRate, timeoutHourMs: options.batchTimeoutHourMs }, seeding);
  const faults = new FaultQueue();
  const requests = new RequestLog();
  const host = options.host ?? '127.0.0.1';
  const env: RouteEnv = { store, maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES, fallbackBaseUrl: '' };
  // Hashes make the comparison constant-time whatever the presented key's length.
  const keyDigest = createHash('sha256').update(options.apiKey).digest();
  const isAuthorized = (header: string | undefined): boolean => {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!match) return false;
    return timingSafeEqual(createHash('sha256').update(match[1].trim()).digest(), keyDigest);
  };

  const server = http.createServer({ requestTimeout: 0, keepAliveTimeout: 5000 }, (req, res) => {
    void handle(req, res);
  });
  // `Expect: 100-continue` (curl sends it for big bodies): an upload refused on its Content-Length is
  // answered before the client sends a byte; everything else gets the go-ahead.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!isOversizedUpload(req, env.maxUploadBytes)) res.writeContinue();
    void handle(req, res);
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const ctx: RequestContext = { req, res, url: new URL(req.url ?? '/', 'http://emulator.invalid'), requestId, fault: undefined };
    res.setHeader('x-request-id', requestId);
    res.setHeader('x-kong-request-id', requestId);
    try {
      const pathname = ctx.url.pathname;
      if (pathname.startsWith(CONTROL_PREFIX)) return await control(ctx);
      requests.record(req, res, ctx.url);
      ctx.fault = faults.take(req.method ?? 'GET', pathname);
      if (ctx.fault?.delayMs) {
        await delay(ctx.fault.delayMs);
        if (req.socket.destroyed) return;
      }
      if (ctx.fault?.status !== undefined) return injectStatus(ctx, ctx.fault);
      if (pathname.startsWith(BLOB_PREFIX)) return await serveSignedBlob(ctx, env);
      if (!isAuthorized(req.headers.authorization)) throw new HttpError(401, unauthorizedBody(requestId));
      if (isBatchPath(pathname)) await routeBatchApi(ctx, batch.env);
      else if (isDocumentPath(pathname)) await routeDocumentsApi(ctx, store);
      else await routeFilesApi(ctx, env);
    } catch (err) {
      answerError(ctx, err);
    }
  }

  async function control(ctx: RequestContext): Promise<void> {
    const { req } = ctx;
    const route = ctx.url.pathname.slice(CONTROL_PREFIX.length);
    if (route === 'health' && req.method === 'GET') return sendJson(ctx, 200, { status: 'ok' });
    if (route !== 'faults' && route !== 'requests' && !route.startsWith('batch/')) throw routeNotFound();
    if (!isAuthorized(req.headers.authorization)) throw new HttpError(401, unauthorizedBody(ctx.requestId));
    if (route === 'requests') return requestsControl(ctx);
    if (route !== 'faults') return routeBatchControl(ctx, batch.env, route);
    if (req.method === 'DELETE') {
      faults.clear();
      return sendJson(ctx, 200, { cleared: true });
    }
    if (req.method !== 'POST') throw methodNotAllowed(['POST', 'DELETE']);
    const text = await readSmallBody(req, 64 * 1024);
    let rule: unknown;
    try {
      rule = JSON.parse(text);
    } catch {
      throw new HttpError(400, { detail: 'Body must be a JSON FaultRule' });
    }
    const problem = describeInvalidRule(rule);
    if (problem) throw new HttpError(400, { detail: `Invalid fault rule: ${problem}` });
    faults.add(rule as FaultRule);
    sendJson(ctx, 200, { added: rule });
  }

  /** `GET ?after=N` answers the requests after seq N (all kept ones without it); DELETE forgets them. */
  function requestsControl(ctx: RequestContext): void {
    if (ctx.req.method === 'DELETE') {
      requests.clear();
      return sendJson(ctx, 200, { cleared: true });
    }
    if (ctx.req.method !== 'GET') throw methodNotAllowed(['GET', 'DELETE']);
    const after = ctx.url.searchParams.get('after');
    const afterSeq = after === null ? 0 : Number(after);
    if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new HttpError(400, { detail: '"after" must be a non-negative integer' });
    sendJson(ctx, 200, { data: requests.since(afterSeq), lastSeq: requests.lastSeq });
  }

  function injectStatus(ctx: RequestContext, rule: FaultRule): void {
    const status = rule.status as number;
    const headers: Record<string, string> = {};
    if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
    if (hasUnreadBody(ctx.req)) {
      headers.connection = 'close';
      discardRequestBody(ctx.req);
    }
    sendJson(ctx, status, bodyForStatus(status, ctx.requestId, ctx.url.pathname), headers);
  }

  function answerError(ctx: RequestContext, err: unknown): void {
    const { req, res } = ctx;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    if (hasUnreadBody(req) && !req.readableFlowing) {
      res.setHeader('connection', 'close');
      discardRequestBody(req);
    }
    if (err instanceof HttpError) {
      sendJson(ctx, err.status, err.body, err.headers);
      return;
    }
    process.stderr.write(`[emulator] ${req.method} ${ctx.url.pathname} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    sendJson(ctx, 500, mistralErrorBody('Internal server error', 'internal_server_error'));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  env.fallbackBaseUrl = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    dataDir: store.dataDir,
    faults,
    batch: batch.control,
    requests,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await batch.close();
        await store.flush();
      })();
      return closing;
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readSmallBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, { detail: 'Body too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
