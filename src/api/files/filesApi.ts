import type { Readable } from 'node:stream';
import type {
  CallOptions,
  DeletedFile,
  DownloadOptions,
  FileList,
  ListFilesParams,
  MistralFile,
  RetrievedFile,
  SignedUrl,
  UploadOptions,
} from './types';

/**
 * What the extension and the CLI need from the Files API. `MistralFilesClient` (client.ts) implements it over undici;
 * tests may substitute their own. Every method rejects with `MistralApiError` only.
 */
export interface FilesApi {
  list(params?: ListFilesParams, options?: CallOptions): Promise<FileList>;
  retrieve(fileId: string, options?: CallOptions): Promise<RetrievedFile>;
  delete(fileId: string, options?: CallOptions): Promise<DeletedFile>;
  /** Streams the file at `localPath` (never buffered whole); refuses > 512 MB before sending a byte. */
  upload(localPath: string, options?: UploadOptions): Promise<MistralFile>;
  /** Streams to `destinationPath` through a temp file + rename: a failure leaves no partial file and never clobbers. */
  downloadToFile(fileId: string, destinationPath: string, options?: DownloadOptions): Promise<{ bytes: number }>;
  /** Opens the content as a stream; the caller consumes or destroys it. */
  openContent(fileId: string, options?: DownloadOptions): Promise<{ body: Readable; size: number | undefined }>;
  /** Reads the whole content into memory (previews). */
  readContent(fileId: string, options?: DownloadOptions): Promise<Uint8Array>;
  getSignedUrl(fileId: string, expiryHours?: number, options?: CallOptions): Promise<SignedUrl>;
}

/** Matches the methods of VS Code's LogOutputChannel, so the extension passes its channel straight in. */
export interface ApiLogger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RetryPolicy {
  /** Retries after the first attempt. Default 4. */
  maxRetries: number;
  /** Default 500 ms. */
  initialDelayMs: number;
  /** Default 1.5. */
  multiplier: number;
  /** Cap on one wait, including a Retry-After. Default 30 s. */
  maxDelayMs: number;
  /** Give up when the next wait would pass this since the first attempt. Default 120 s. */
  maxElapsedMs: number;
}

export interface ClientConfig {
  /** Read on every request, so a key change applies at once. The value is never logged. */
  apiKey: string | (() => string | undefined | Promise<string | undefined>);
  /** Default https://api.mistral.ai; a path prefix (https://host/mistral) is kept. */
  baseUrl?: string;
  /** Explicit proxy URL; otherwise HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment. */
  proxy?: string;
  /** Reject invalid TLS certificates (VS Code's http.proxyStrictSSL). Default true. */
  strictSSL?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout for headers/JSON calls, ms. Default 300 000. */
  timeoutMs?: number;
  logger?: ApiLogger;
  userAgent?: string;
}
