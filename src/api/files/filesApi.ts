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
