/** Wire and stored shapes of batch jobs (BatchJob of shared/reference/mistral-batch-openapi.yaml). */

export const BATCH_STATUSES = [
  'QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'TIMEOUT_EXCEEDED', 'CANCELLATION_REQUESTED', 'CANCELLED',
] as const;
export type BatchStatus = typeof BATCH_STATUSES[number];

export const TERMINAL_STATUSES: readonly BatchStatus[] = ['SUCCESS', 'FAILED', 'TIMEOUT_EXCEEDED', 'CANCELLED'];
export const isTerminal = (status: BatchStatus): boolean => TERMINAL_STATUSES.includes(status);

export const API_ENDPOINTS = [
  '/v1/chat/completions', '/v1/embeddings', '/v1/fim/completions', '/v1/moderations', '/v1/chat/moderations',
  '/v1/ocr', '/v1/classifications', '/v1/chat/classifications', '/v1/conversations', '/v1/audio/transcriptions',
] as const;
export type ApiEndpoint = typeof API_ENDPOINTS[number];

/** [S] CreateBatchJobRequest.requests maxItems. */
export const MAX_INLINE_REQUESTS = 10_000;
/** [D-batch] "up to 1M requests" per file job. */
export const MAX_FILE_REQUESTS = 1_000_000;

export interface BatchErrorEntry {
  message: string;
  count: number;
}

/** The BatchJob fields, in the order the service sends them. */
export interface BatchJobWire {
  id: string;
  object: 'batch';
  input_files: string[];
  metadata: Record<string, string> | null;
  endpoint: string;
  model: string | null;
  agent_id: string | null;
  output_file: string | null;
  error_file: string | null;
  errors: BatchErrorEntry[];
  outputs: Record<string, unknown>[] | null;
  status: BatchStatus;
  created_at: number;
  total_requests: number;
  completed_requests: number;
  succeeded_requests: number;
  failed_requests: number;
  started_at: number | null;
  completed_at: number | null;
}

/** A request line the emulator was told to fail, snapshotted into the job when it is created. */
export interface FailRule {
  customId?: string;
  model?: string;
  /** HTTP status recorded in the error line; default 500 (custom_id) or 400 (model). */
  statusCode?: number;
  message?: string;
}

export interface StoredJob extends Omit<BatchJobWire, 'outputs'> {
  /** Creation in milliseconds: the timeout clock and the list order (ties by seq). */
  createdAtMs: number;
  seq: number;
  timeoutHours: number;
  /** Inline requests live in `<data>/batch/<id>.requests.jsonl`. */
  inline: boolean;
  /** Set once the inputs were read and counted (total_requests stays 0 until then, as on the service). */
  validated: boolean;
  failRules: FailRule[];
  /** No transition but a timeout before this time (ms): lets `--seed demo` keep a job QUEUED for a while. */
  holdUntilMs?: number;
}

export function toWire(job: StoredJob, outputs: Record<string, unknown>[] | null = null): BatchJobWire {
  return {
    id: job.id,
    object: 'batch',
    input_files: [...job.input_files],
    metadata: job.metadata === null ? null : { ...job.metadata },
    endpoint: job.endpoint,
    model: job.model,
    agent_id: job.agent_id,
    output_file: job.output_file,
    error_file: job.error_file,
    errors: job.errors.map((error) => ({ ...error })),
    outputs,
    status: job.status,
    created_at: job.created_at,
    total_requests: job.total_requests,
    completed_requests: job.completed_requests,
    succeeded_requests: job.succeeded_requests,
    failed_requests: job.failed_requests,
    started_at: job.started_at,
    completed_at: job.completed_at,
  };
}

/** One line of an output or error file. */
export interface ResultLine {
  id: string;
  custom_id: string | null;
  response: { status_code: number; body: unknown } | null;
  error: { message: string } | null;
}
