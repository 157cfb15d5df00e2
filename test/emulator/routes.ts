/** The six Files API routes and the unauthenticated signed-URL blob route. */
import { promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { HttpError, methodNotAllowed, notFound, parseFileId, parseIntegerField, routeNotFound, validationError } from './errors';
import { ByteTripwire, sendJson, type RequestContext } from './http';
import { filterFiles, lastValue, parseListQuery } from './listQuery';
import { blobHeaders, blobNotFound, buildSignedUrl, checkSignedRequest, sendAzureError } from './signedUrl';
import type { FileRecord, FileStore } from './store';
import { receiveUpload } from './upload';

export interface RouteEnv {
  store: FileStore;
  maxUploadBytes: number;
  /** Where signed URLs point when the request carries no Host header. */
  fallbackBaseUrl: string;
}

const FILE_ROUTE = /^\/v1\/files\/([^/]+)(\/content|\/url)?\/?$/;

export async function routeFilesApi(ctx: RequestContext, env: RouteEnv): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  const pathname = ctx.url.pathname;
  if (pathname === '/v1/files' || pathname === '/v1/files/') {
    if (method === 'POST') return upload(ctx, env);
    if (method === 'GET') return list(ctx, env);
    throw methodNotAllowed(['GET', 'POST']);
  }
  const match = FILE_ROUTE.exec(pathname);
  if (!match) throw routeNotFound();
  const suffix = match[2];
  if (suffix === undefined) {
    if (method === 'GET') return retrieve(ctx, env, match[1]);
    if (method === 'DELETE') return remove(ctx, env, match[1]);
    throw methodNotAllowed(['GET', 'DELETE']);
  }
  if (method !== 'GET') throw methodNotAllowed(['GET']);
  return suffix === '/content' ? download(ctx, env, match[1]) : signedUrl(ctx, env, match[1]);
}

function findFile(env: RouteEnv, rawId: string): FileRecord {
  const id = parseFileId(safeDecode(rawId));
  const file = env.store.get(id);
  if (!file) throw notFound();
  return file;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function upload(ctx: RequestContext, env: RouteEnv): Promise<void> {
  const result = await receiveUpload(ctx, env.store, env.maxUploadBytes);
  if (result) sendJson(ctx, 200, result.record);
}

function list(ctx: RequestContext, env: RouteEnv): void {
  const query = parseListQuery(ctx.url.searchParams);
  const matching = filterFiles(env.store.list(), query);
  const start = query.page * query.pageSize;
  sendJson(ctx, 200, {
    data: matching.slice(start, start + query.pageSize),
    object: 'list',
    total: query.includeTotal ? matching.length : null,
  });
}

function retrieve(ctx: RequestContext, env: RouteEnv, rawId: string): void {
  sendJson(ctx, 200, { ...findFile(env, rawId), deleted: false });
}

async function remove(ctx: RequestContext, env: RouteEnv, rawId: string): Promise<void> {
  const file = findFile(env, rawId);
  if (!(await env.store.delete(file.id))) throw notFound();
  sendJson(ctx, 200, { id: file.id, object: 'file', deleted: true });
}

/** RFC 6266 Content-Disposition: an ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

async function download(ctx: RequestContext, env: RouteEnv, rawId: string): Promise<void> {
  const file = findFile(env, rawId);
  await streamBlob(ctx, env, file, {
    'content-type': 'application/octet-stream',
    'content-length': String(file.bytes),
    'content-disposition': contentDisposition(file.filename),
  });
}

/** Inclusive byte range of a single-range `Range: bytes=...` header; 'unsatisfiable' or undefined (whole body). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

async function streamBlob(
  ctx: RequestContext, env: RouteEnv, file: FileRecord, headers: Record<string, string>, allowRanges = false,
): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(env.store.blobPath(file.id), 'r');
  } catch {
    // Deleted between the lookup and the open.
    throw notFound();
  }
  const { res } = ctx;
  const range = allowRanges ? parseRange(ctx.req.headers.range, file.bytes) : undefined;
  if (range === 'unsatisfiable') {
    await handle.close();
    res.writeHead(416, { 'content-range': `bytes */${file.bytes}`, 'content-length': '0', 'x-ms-error-code': 'InvalidRange' });
    res.end();
    return;
  }
  if (range) {
    res.writeHead(206, { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${file.bytes}` });
  } else {
    res.writeHead(200, headers);
  }
  if (ctx.req.method === 'HEAD') {
    await handle.close();
    res.end();
    return;
  }
  const source = handle.createReadStream({ highWaterMark: 1024 * 1024, ...(range ?? {}) });
  const cut = ctx.fault?.resetAfterBytes;
  try {
    if (cut === undefined) {
      await pipeline(source, res);
    } else {
      // setImmediate lets the last permitted bytes reach the socket before it is destroyed.
      const tripwire = new ByteTripwire(cut, () => setImmediate(() => {
        const socket = res.socket;
        if (socket) socket.write('', () => socket.destroy());
        else res.destroy();
      }));
      await pipeline(source, tripwire, res);
    }
  } catch {
    // The client went away or the fault cut the connection: nothing left to answer.
    res.destroy();
  }
}

function signedUrl(ctx: RequestContext, env: RouteEnv, rawId: string): void {
  const file = findFile(env, rawId);
  const raw = lastValue(ctx.url.searchParams, 'expiry');
  let hours = 24;
  if (raw !== undefined) {
    const parsed = parseIntegerField(['query', 'expiry'], raw, { ge: 1, le: 168 });
    if (typeof parsed !== 'number') throw validationError([parsed]);
    hours = parsed;
  }
  const host = ctx.req.headers.host;
  const baseUrl = host ? `http://${host}` : env.fallbackBaseUrl;
  const expiresAt = new Date(Date.now() + hours * 3600 * 1000);
  sendJson(ctx, 200, { url: buildSignedUrl(baseUrl, env.store.signingSecret, file, expiresAt) });
}

/** GET/HEAD /_blob/<container>/<id>/<filename>?<SAS>: no bearer auth, the signature is the credential. */
export async function serveSignedBlob(ctx: RequestContext, env: RouteEnv): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    sendAzureError(ctx, { ok: false, status: 403, code: 'AuthorizationPermissionMismatch', message: 'This request is not authorized to perform this operation using this permission.' });
    return;
  }
  const check = checkSignedRequest(ctx.url, env.store.signingSecret);
  if (!check.ok) return sendAzureError(ctx, check);
  const file = env.store.get(check.location.id);
  if (!file || file.purpose !== check.location.container || file.filename !== check.location.filename) {
    return sendAzureError(ctx, blobNotFound);
  }
  try {
    await streamBlob(ctx, env, file, { ...blobHeaders(file), 'x-ms-request-id': ctx.requestId }, true);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return sendAzureError(ctx, blobNotFound);
    throw err;
  }
}
