/**
 * Signed URLs shaped like the Azure blob SAS URLs Mistral hands out
 * (`/<container>/<blob>?se=<expiry>&sp=r&sv=2025-01-05&sr=b&sig=<HMAC>`), served by the emulator itself
 * under /_blob/ without auth until `se` passes. Errors are Azure's XML bodies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sendBuffer, type RequestContext } from './http';
import type { FileRecord } from './store';

export const BLOB_PREFIX = '/_blob/';
const SAS_VERSION = '2025-01-05';

export interface BlobLocation {
  container: string;
  id: string;
  filename: string;
}

function stringToSign(location: BlobLocation, expiry: string): string {
  return ['r', expiry, `${BLOB_PREFIX}${location.container}/${location.id}/${location.filename}`, SAS_VERSION, 'b'].join('\n');
}

function sign(secret: Buffer, location: BlobLocation, expiry: string): string {
  return createHmac('sha256', secret).update(stringToSign(location, expiry)).digest('base64');
}

/** Azure writes `se` without milliseconds. */
export function formatSasTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function buildSignedUrl(baseUrl: string, secret: Buffer, file: Pick<FileRecord, 'id' | 'purpose' | 'filename'>, expiresAt: Date): string {
  const location: BlobLocation = { container: file.purpose, id: file.id, filename: file.filename };
  const se = formatSasTime(expiresAt);
  const query = new URLSearchParams({ se, sp: 'r', sv: SAS_VERSION, sr: 'b', sig: sign(secret, location, se) });
  const blobPath = [location.container, location.id, location.filename].map(encodeURIComponent).join('/');
  return `${baseUrl}${BLOB_PREFIX}${blobPath}?${query.toString()}`;
}

export type SignedUrlCheck =
  | { ok: true; location: BlobLocation }
  | { ok: false; status: 403 | 404; code: string; message: string; detail?: string };

/** Checks the signature first (any tampering is 403), then the expiry. */
export function checkSignedRequest(url: URL, secret: Buffer, now: Date = new Date()): SignedUrlCheck {
  const segments = url.pathname.slice(BLOB_PREFIX.length).split('/');
  let location: BlobLocation | undefined;
  if (segments.length === 3) {
    try {
      const [container, id, filename] = segments.map(decodeURIComponent);
      location = { container, id, filename };
    } catch {
      location = undefined;
    }
  }
  const params = url.searchParams;
  const se = params.get('se');
  const sig = params.get('sig');
  if (!location || !se || !sig || params.get('sp') !== 'r' || params.get('sv') !== SAS_VERSION || params.get('sr') !== 'b') {
    return authFailure('Signature fields not well formed.');
  }
  const expected = Buffer.from(sign(secret, location, se));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return authFailure(`Signature did not match. String to sign used was r\n${se}\n${url.pathname}\n${SAS_VERSION}\nb`);
  }
  const expiry = new Date(se);
  if (Number.isNaN(expiry.getTime()) || expiry.getTime() <= now.getTime()) {
    return authFailure(`Signed expiry time [${se}] must be after current time [${formatSasTime(now)}]`);
  }
  return { ok: true, location };
}

function authFailure(detail: string): SignedUrlCheck {
  return {
    ok: false,
    status: 403,
    code: 'AuthenticationFailed',
    message: 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
    detail,
  };
}

export const blobNotFound: Extract<SignedUrlCheck, { ok: false }> = { ok: false, status: 404, code: 'BlobNotFound', message: 'The specified blob does not exist.' };

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

export function sendAzureError(ctx: RequestContext, failure: Extract<SignedUrlCheck, { ok: false }>): void {
  const message = `${failure.message}\nRequestId:${ctx.requestId}\nTime:${new Date().toISOString()}`;
  const detail = failure.detail === undefined ? '' : `<AuthenticationErrorDetail>${escapeXml(failure.detail)}</AuthenticationErrorDetail>`;
  const xml = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${failure.code}</Code><Message>${escapeXml(message)}</Message>${detail}</Error>`;
  const body = ctx.req.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(xml);
  sendBuffer(ctx, failure.status, body, {
    'content-type': 'application/xml',
    'x-ms-request-id': ctx.requestId,
    'x-ms-version': SAS_VERSION,
    'x-ms-error-code': failure.code,
  });
}

export function blobHeaders(file: FileRecord): Record<string, string> {
  return {
    'content-type': file.mimetype ?? 'application/octet-stream',
    'content-length': String(file.bytes),
    'last-modified': new Date(file.created_at * 1000).toUTCString(),
    etag: `"0x${(file.signature ?? file.id.replace(/-/g, '').slice(0, 16)).toUpperCase()}"`,
    'accept-ranges': 'bytes',
    'x-ms-blob-type': 'BlockBlob',
    'x-ms-version': SAS_VERSION,
    'x-ms-server-encrypted': 'true',
  };
}
