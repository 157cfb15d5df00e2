/**
 * Wire shapes of Mistral's Files API, as Mistral's OpenAPI document gives them (the subset this project builds
 * against is test/fixtures/emulator/mistral-files-openapi.yaml).
 * Enums are open: the service may add values, and an unknown one must not break the client or the tree,
 * so each enum type is its known literals widened with `string`.
 */

// `string & {}` keeps editor completion for the known literals while accepting any string.
type Open<T extends string> = T | (string & {});

export type FilePurpose = Open<'fine-tune' | 'batch' | 'ocr' | 'audio'>;
export type SampleType = Open<'pretrain' | 'instruct' | 'batch_request' | 'batch_result' | 'batch_error'>;
export type FileSource = Open<'upload' | 'repository' | 'mistral'>;
export type FileVisibility = Open<'workspace' | 'user'>;

export const KNOWN_SAMPLE_TYPES = ['pretrain', 'instruct', 'batch_request', 'batch_result', 'batch_error'] as const;
export const KNOWN_SOURCES = ['upload', 'repository', 'mistral'] as const;

/** FileSchema / CreateFileResponse. `bytes` is nullable in practice (the spec's own examples show null). */
export interface MistralFile {
  id: string;
  object: 'file' | (string & {});
  bytes: number | null;
  created_at: number;
  filename: string;
  purpose: FilePurpose;
  sample_type: SampleType;
  source: FileSource;
  num_lines?: number | null;
  mimetype?: string | null;
  signature?: string | null;
  expires_at?: number | null;
  visibility?: FileVisibility | null;
}

/** GetFileResponse. */
export interface RetrievedFile extends MistralFile {
  deleted: boolean;
}

export interface FileList {
  data: MistralFile[];
  object: 'list' | (string & {});
  total?: number | null;
}

export interface DeletedFile {
  id: string;
  object: 'file' | (string & {});
  deleted: boolean;
}

export interface SignedUrl {
  url: string;
}

export interface ListFilesParams {
  page?: number;
  pageSize?: number;
  includeTotal?: boolean;
  purpose?: FilePurpose;
  sampleType?: SampleType[];
  source?: FileSource[];
  search?: string;
  mimetypes?: string[];
}

/** Per-call options every operation accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface TransferProgress {
  /** Bytes sent (upload) or received (download) so far. */
  transferred: number;
  /** Total bytes when known. */
  total: number | undefined;
}

export interface UploadOptions extends CallOptions {
  purpose?: FilePurpose;
  visibility?: FileVisibility;
  /** Expiry passed through to the service (int or null). */
  expiry?: number | null;
  /** Remote file name; defaults to the local base name. */
  filename?: string;
  onProgress?: (progress: TransferProgress) => void;
}

export interface DownloadOptions extends CallOptions {
  onProgress?: (progress: TransferProgress) => void;
  /**
   * downloadToFile only. Default true: the finished file replaces what is at the destination. false: a file that is
   * there when the download completes (one created meanwhile) is kept, and the call fails with invalid-request.
   */
  overwrite?: boolean;
}

/** Upper limit the service enforces per file. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
export const SIGNED_URL_MIN_HOURS = 1;
export const SIGNED_URL_MAX_HOURS = 168;
export const SIGNED_URL_DEFAULT_HOURS = 24;
