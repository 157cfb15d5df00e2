/**
 * Wire shapes of Mistral's Batch API (the OpenAPI subset is test/fixtures/emulator/mistral-batch-openapi.yaml). Enums
 * are open, as in
 * files/types.ts: the service may add a status or an endpoint, and an unknown one must not break a poll.
 */
import type { CallOptions } from '../files/types';

// `string & {}` keeps editor completion for the known literals while accepting any string.
type Open<T extends string> = T | (string & {});

export const KNOWN_BATCH_STATUSES = [
  'QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMEOUT_EXCEEDED', 'CANCELLATION_REQUESTED', 'CANCELLED',
] as const;
export type BatchJobStatus = Open<(typeof KNOWN_BATCH_STATUSES)[number]>;

/**
 * The statuses after which nothing changes. The official examples poll only `while status in [QUEUED, RUNNING]`
 * and so miss TIMEOUT_EXCEEDED and CANCELLATION_REQUESTED; all seven are handled here.
 */
export const TERMINAL_BATCH_STATUSES: ReadonlySet<string> = new Set(['SUCCESS', 'FAILED', 'TIMEOUT_EXCEEDED', 'CANCELLED']);

/** An unknown status is treated as still running: waiting on a few more polls is cheaper than stopping early. */
export function isTerminalStatus(status: BatchJobStatus): boolean {
  return TERMINAL_BATCH_STATUSES.has(status);
}

export const KNOWN_BATCH_ENDPOINTS = [
  '/v1/chat/completions', '/v1/embeddings', '/v1/fim/completions', '/v1/moderations', '/v1/chat/moderations',
  '/v1/ocr', '/v1/classifications', '/v1/chat/classifications', '/v1/conversations', '/v1/audio/transcriptions',
] as const;
export type BatchEndpoint = Open<(typeof KNOWN_BATCH_ENDPOINTS)[number]>;

export interface BatchError {
  message: string;
  count: number;
}

/** BatchJob. `total_requests` reads 0 right after creation, until the service has counted the inputs. */
export interface BatchJob {
  id: string;
  object: Open<'batch'>;
  input_files: string[];
  metadata: Record<string, unknown> | null;
  endpoint: BatchEndpoint;
  model: string | null;
  agent_id: string | null;
  output_file: string | null;
  error_file: string | null;
  errors: BatchError[];
  /** Result lines, only when asked with `inline: true` (and not always then). */
  outputs: Array<Record<string, unknown>> | null;
  status: BatchJobStatus;
  created_at: number;
  total_requests: number;
  completed_requests: number;
  succeeded_requests: number;
  failed_requests: number;
  started_at: number | null;
  completed_at: number | null;
}

export interface BatchJobList {
  data: BatchJob[];
  object: Open<'list'>;
  total: number;
}

export interface DeletedBatchJob {
  id: string;
  object: Open<'batch'>;
  deleted: boolean;
}

/** One item of an inline batch; the same shape as a line of a batch input file. */
export interface BatchRequest {
  custom_id?: string | null;
  body: Record<string, unknown>;
}

/** CreateBatchJobRequest. Give `input_files` or `requests`, and `model` or `agent_id`. */
export interface CreateBatchJobRequest {
  input_files?: string[] | null;
  /** At most MAX_INLINE_REQUESTS. */
  requests?: BatchRequest[] | null;
  endpoint: BatchEndpoint;
  model?: string | null;
  /** For agents of the deprecated agents API. */
  agent_id?: string | null;
  /** Keys 1..32 characters, values 1..512. */
  metadata?: Record<string, string> | null;
  /** 1..168, default 24 on the service. */
  timeout_hours?: number;
}

export type BatchOrder = Open<'created' | '-created'>;

export interface ListBatchJobsParams {
  /** Zero-based. */
  page?: number;
  /** The service's default is 100. */
  pageSize?: number;
  model?: string;
  agentId?: string;
  /** Jobs whose metadata holds all these pairs. How the service reads this filter is undocumented; see BatchClient.list. */
  metadata?: Record<string, string>;
  /** Date, or an ISO-8601 date-time. */
  createdAfter?: Date | string;
  createdByMe?: boolean;
  /** Any of these (the key repeats on the URL). */
  status?: BatchJobStatus[];
  orderBy?: BatchOrder;
}

export interface GetBatchJobOptions extends CallOptions {
  /** Ask for the result lines in `outputs`. */
  inline?: boolean;
}

export interface BatchWaitProgress {
  job: BatchJob;
  /** Since waitFor was called, by the connection's clock. */
  elapsedMs: number;
  /** GET requests answered so far. */
  polls: number;
}

export interface WaitForOptions extends CallOptions {
  /** After every answer, terminal or not. */
  onProgress?: (progress: BatchWaitProgress) => void;
  /** First interval, and the one used again when the job changes. Default 1 000 ms. */
  minIntervalMs?: number;
  /** Ceiling of the backed-off interval. Default 30 000 ms. */
  maxIntervalMs?: number;
  /** Growth per poll without change. Default 1.5. */
  backoff?: number;
  /** Consecutive polls that may fail on a 429/5xx or a network error (each already retried by the transport). Default 5. */
  maxTransientFailures?: number;
}

export const MAX_INLINE_REQUESTS = 10_000;
export const TIMEOUT_HOURS_MIN = 1;
export const TIMEOUT_HOURS_MAX = 168;
export const METADATA_KEY_MAX = 32;
export const METADATA_VALUE_MAX = 512;
