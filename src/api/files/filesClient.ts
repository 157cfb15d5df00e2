/** The Files API over the shared connection: streaming upload and download, and errors a person can act on. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { ApiConnection } from '../core/connection';
import { abortedError, invalidRequest, networkError } from '../core/errorMapping';
import { MistralApiError } from '../core/errors';
import type { RequestSpec } from '../core/transport';
import { formatMegabytes } from '../../util/format';
import { ByteCounter, checkDestination, writeAtomically, writeToStream, IncompleteDownloadError } from './download';
import type { FilesApi } from './filesApi';
import { multipartFileBody, planMultipart } from './multipart';
import { parseDeletedFile, parseFile, parseFileList, parseRetrievedFile, parseSignedUrl } from './parse';
import {
  MAX_FILE_BYTES,
  SIGNED_URL_DEFAULT_HOURS,
  SIGNED_URL_MAX_HOURS,
  SIGNED_URL_MIN_HOURS,
  type CallOptions,
  type DeletedFile,
  type DownloadOptions,
  type FileList,
  type ListFilesParams,
  type MistralFile,
  type RetrievedFile,
  type SignedUrl,
  type UploadOptions,
} from './types';

export class FilesClient implements FilesApi {
  private readonly filesUrl: string;

  constructor(private readonly connection: ApiConnection) {
    this.filesUrl = connection.url('/files');
  }

  async list(params: ListFilesParams = {}, options: CallOptions = {}): Promise<FileList> {
    const query = new URLSearchParams();
    if (params.page !== undefined) query.set('page', String(requireWholeNumber(params.page, 'page', 0)));
    if (params.pageSize !== undefined) query.set('page_size', String(requireWholeNumber(params.pageSize, 'page size', 1)));
    if (params.includeTotal !== undefined) query.set('include_total', String(params.includeTotal));
    for (const value of params.sampleType ?? []) query.append('sample_type', value);
    for (const value of params.source ?? []) query.append('source', value);
    if (params.search) query.set('search', params.search);
    if (params.purpose) query.set('purpose', params.purpose);
    for (const value of params.mimetypes ?? []) query.append('mimetypes', value);
    const text = query.toString();
    const url = text ? `${this.filesUrl}?${text}` : this.filesUrl;
    return this.connection.json({ method: 'GET', url, logQuery: true, target: 'collection', retryMode: 'idempotent', signal: options.signal }, parseFileList);
  }

  async retrieve(fileId: string, options: CallOptions = {}): Promise<RetrievedFile> {
    const url = this.fileUrl(fileId);
    return this.connection.json({ method: 'GET', url, target: 'file', retryMode: 'idempotent', signal: options.signal }, parseRetrievedFile);
  }

  async delete(fileId: string, options: CallOptions = {}): Promise<DeletedFile> {
    const url = this.fileUrl(fileId);
    try {
      return await this.connection.json({ method: 'DELETE', url, target: 'file', retryMode: 'idempotent', signal: options.signal }, parseDeletedFile);
    } catch (err) {
      // The first attempt deleted the file and its answer was lost; the retry then finds nothing. That is the
      // outcome asked for, not a failure.
      if (err instanceof MistralApiError && err.status === 404 && err.earlierAttemptMayHaveApplied) {
        return { id: fileId.trim(), object: 'file', deleted: true };
      }
      throw err;
    }
  }

  async getSignedUrl(fileId: string, expiryHours: number = SIGNED_URL_DEFAULT_HOURS, options: CallOptions = {}): Promise<SignedUrl> {
    if (!Number.isInteger(expiryHours) || expiryHours < SIGNED_URL_MIN_HOURS || expiryHours > SIGNED_URL_MAX_HOURS) {
      throw invalidRequest(
        `A signed URL lasts ${SIGNED_URL_MIN_HOURS} to ${SIGNED_URL_MAX_HOURS} hours (a whole number); got ${String(expiryHours)}`,
      );
    }
    const url = `${this.fileUrl(fileId, '/url')}?expiry=${expiryHours}`;
    return this.connection.json({ method: 'GET', url, target: 'file', retryMode: 'idempotent', signal: options.signal }, parseSignedUrl);
  }

  async upload(localPath: string, options: UploadOptions = {}): Promise<MistralFile> {
    const operation = `POST ${new URL(this.filesUrl).pathname}`;
    if (options.signal?.aborted) throw abortedError(operation);
    const size = await statUploadable(localPath, operation);
    if (size > MAX_FILE_BYTES) {
      throw invalidRequest(`File is ${formatMegabytes(size)}; the limit is ${formatMegabytes(MAX_FILE_BYTES)}`, operation);
    }
    const filename = options.filename ?? path.basename(localPath);
    if (!filename.trim()) throw invalidRequest('The remote file name is empty', operation);
    const fields: Array<[string, string]> = [];
    if (options.purpose) fields.push(['purpose', options.purpose]);
    if (options.visibility) fields.push(['visibility', options.visibility]);
    if (options.expiry !== undefined && options.expiry !== null) {
      if (!Number.isSafeInteger(options.expiry)) throw invalidRequest(`Expiry must be a whole number; got ${options.expiry}`, operation);
      fields.push(['expiry', String(options.expiry)]);
    }
    const plan = planMultipart(fields, 'file', filename, size);
    const onProgress = options.onProgress;
    let lastReported = -1;
    const report = (sent: number): void => {
      if (!onProgress || sent === lastReported) return;
      lastReported = sent;
      onProgress({ transferred: sent, total: size });
    };
    report(0);
    const body = multipartFileBody({ path: localPath, size, plan, onFileBytes: report });
    const file = await this.connection.json(
      { method: 'POST', url: this.filesUrl, target: 'collection', retryMode: 'upload', body, signal: options.signal },
      (value) => parseFile(value),
    );
    report(size);
    return file;
  }

  async openContent(fileId: string, options: DownloadOptions = {}): Promise<{ body: Readable; size: number | undefined }> {
    const response = await this.connection.transport.send(this.contentSpec(fileId, options.signal));
    const size = contentLength(response.headers['content-length']);
    const body = response.body as unknown as Readable;
    if (!options.onProgress) return { body, size };
    // Counted in a pass-through rather than a 'data' listener, which would start the flow before the caller reads.
    const onProgress = options.onProgress;
    const counted = new ByteCounter((transferred) => onProgress({ transferred, total: size }));
    pipeline(body, counted, () => undefined);
    return { body: counted, size };
  }

  /** Reads the whole content; a body broken mid-way is fetched again from the start (see Transport.exchange). */
  async readContent(fileId: string, options: DownloadOptions = {}): Promise<Uint8Array> {
    return this.connection.transport.exchange(this.contentSpec(fileId, options.signal), async (response) => {
      const size = contentLength(response.headers['content-length']);
      const chunks: Buffer[] = [];
      let received = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        received += chunk.length;
        options.onProgress?.({ transferred: received, total: size });
      }
      if (size !== undefined && received !== size) throw new IncompleteDownloadError(received, size);
      return new Uint8Array(Buffer.concat(chunks, received));
    });
  }

  /**
   * Saves the content atomically. Downloads are idempotent, so a connection lost mid-body restarts the transfer
   * from the beginning under the request's own retry budget (the service documents no Range support).
   */
  async downloadToFile(fileId: string, destinationPath: string, options: DownloadOptions = {}): Promise<{ bytes: number }> {
    const spec = this.contentSpec(fileId, options.signal);
    const operation = `GET ${new URL(spec.url).pathname}`;
    const kind = await checkDestination(destinationPath, operation);
    const onCount = (size: number | undefined) => (count: number) => options.onProgress?.({ transferred: count, total: size });
    if (kind === 'stream') {
      // Bytes written to a pipe or a terminal cannot be taken back, so a broken body is final rather than retried.
      const response = await this.connection.transport.send(spec);
      const size = contentLength(response.headers['content-length']);
      try {
        return { bytes: await writeToStream(response.body as AsyncIterable<Buffer>, destinationPath, size, onCount(size)) };
      } catch (err) {
        response.body.on('error', () => undefined);
        response.body.destroy();
        if (options.signal?.aborted) throw abortedError(operation);
        if (err instanceof MistralApiError) throw err;
        throw networkError(err, this.connection.endpoint.displayOrigin, operation, undefined);
      }
    }
    return this.connection.transport.exchange(spec, async (response) => {
      const size = contentLength(response.headers['content-length']);
      const body = response.body as AsyncIterable<Buffer>;
      const bytes = await writeAtomically(body, destinationPath, size, onCount(size), { overwrite: options.overwrite, kind });
      return { bytes };
    });
  }

  private contentSpec(fileId: string, signal: AbortSignal | undefined): RequestSpec {
    return {
      method: 'GET',
      url: this.fileUrl(fileId, '/content'),
      target: 'file',
      retryMode: 'idempotent',
      accept: 'application/octet-stream',
      signal,
    };
  }

  private fileUrl(fileId: string, suffix = ''): string {
    const id = fileId.trim();
    if (!id) throw invalidRequest('No file id given');
    return `${this.filesUrl}/${encodeURIComponent(id)}${suffix}`;
  }
}

/**
 * The size of a file that can be uploaded. The file is opened here, before any connection: a file that exists but
 * cannot be read (permissions, a lock) is refused with a clear message instead of failing mid-request.
 */
async function statUploadable(localPath: string, operation: string): Promise<number> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(localPath);
    if (stat.isFile()) await (await fs.promises.open(localPath, 'r')).close();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'unreadable');
    throw invalidRequest(`Cannot read ${localPath}: ${reason}`, operation);
  }
  if (!stat.isFile()) throw invalidRequest(`Cannot upload ${localPath}: it is not a regular file`, operation);
  return stat.size;
}

function requireWholeNumber(value: number, what: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw invalidRequest(`The ${what} must be a whole number ≥ ${min}; got ${value}`);
  return value;
}

function contentLength(header: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}
