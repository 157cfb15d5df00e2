/** The Batch API over the shared connection: the same retries, error messages, abort and key handling as Files. */
import type { ApiConnection } from '../core/connection';
import { invalidRequest } from '../core/errorMapping';
import { MistralApiError } from '../core/errors';
import { jsonBody } from '../core/bodies';
import type { RequestSpec } from '../core/transport';
import type { CallOptions } from '../files/types';
import type { BatchApi } from './batchApi';
import { parseBatchJob, parseBatchJobList, parseDeletedBatchJob } from './parse';
import {
  MAX_INLINE_REQUESTS,
  METADATA_KEY_MAX,
  METADATA_VALUE_MAX,
  TIMEOUT_HOURS_MAX,
  TIMEOUT_HOURS_MIN,
  type BatchJob,
  type BatchJobList,
  type CreateBatchJobRequest,
  type DeletedBatchJob,
  type GetBatchJobOptions,
  type ListBatchJobsParams,
  type WaitForOptions,
} from './types';
import { waitForJob } from './wait';

export class BatchClient implements BatchApi {
  private readonly jobsUrl: string;

  constructor(private readonly connection: ApiConnection) {
    this.jobsUrl = connection.url('/batch/jobs');
  }

  async create(request: CreateBatchJobRequest, options: CallOptions = {}): Promise<BatchJob> {
    const operation = `POST ${new URL(this.jobsUrl).pathname}`;
    checkCreateRequest(request, operation);
    // retryMode 'upload': tried again only if the connection failed before a byte of the body left (refused,
    // DNS, TLS). Once the body was sent, the service may have created the job even if the answer was a 502/504
    // or a reset; a blind retry could start a second job, billed and processed twice, and the API has no
    // idempotency key to deduplicate. Such a failure surfaces instead, and `list` shows whether the job exists.
    const spec: RequestSpec = { method: 'POST', url: this.jobsUrl, target: 'collection', retryMode: 'upload', body: jsonBody(request), signal: options.signal };
    return this.connection.json(spec, (value) => parseBatchJob(value));
  }

  async list(params: ListBatchJobsParams = {}, options: CallOptions = {}): Promise<BatchJobList> {
    const query = new URLSearchParams();
    if (params.page !== undefined) query.set('page', String(wholeNumber(params.page, 'page', 0)));
    if (params.pageSize !== undefined) query.set('page_size', String(wholeNumber(params.pageSize, 'page size', 1)));
    if (params.model) query.set('model', params.model);
    if (params.agentId) query.set('agent_id', params.agentId);
    // As one JSON object rather than exploded into top-level keys as the SDKs do: an exploded key named like a
    // declared parameter ("model", "page") would be read as that parameter. How the service reads it is undocumented.
    if (params.metadata && Object.keys(params.metadata).length > 0) query.set('metadata', JSON.stringify(params.metadata));
    if (params.createdAfter !== undefined) query.set('created_after', isoDate(params.createdAfter));
    if (params.createdByMe !== undefined) query.set('created_by_me', String(params.createdByMe));
    for (const status of params.status ?? []) query.append('status', status);
    if (params.orderBy) query.set('order_by', params.orderBy);
    const text = query.toString();
    const url = text ? `${this.jobsUrl}?${text}` : this.jobsUrl;
    return this.connection.json({ method: 'GET', url, logQuery: true, target: 'collection', retryMode: 'idempotent', signal: options.signal }, parseBatchJobList);
  }

  async get(jobId: string, options: GetBatchJobOptions = {}): Promise<BatchJob> {
    const url = options.inline === undefined ? this.jobUrl(jobId) : `${this.jobUrl(jobId)}?inline=${String(options.inline)}`;
    return this.connection.json({ method: 'GET', url, target: 'batch-job', retryMode: 'idempotent', signal: options.signal }, (value) => parseBatchJob(value));
  }

  /** Cancelling twice asks for the same end state, so a retry after a lost answer is harmless. */
  async cancel(jobId: string, options: CallOptions = {}): Promise<BatchJob> {
    const url = this.jobUrl(jobId, '/cancel');
    return this.connection.json({ method: 'POST', url, target: 'batch-job', retryMode: 'idempotent', signal: options.signal }, (value) => parseBatchJob(value));
  }

  async delete(jobId: string, options: CallOptions = {}): Promise<DeletedBatchJob> {
    const url = this.jobUrl(jobId);
    try {
      return await this.connection.json({ method: 'DELETE', url, target: 'batch-job', retryMode: 'idempotent', signal: options.signal }, parseDeletedBatchJob);
    } catch (err) {
      // A first attempt that deleted the job lost its answer; the retry finding nothing is the outcome asked for.
      if (err instanceof MistralApiError && err.status === 404 && err.earlierAttemptMayHaveApplied) return { id: jobId.trim(), object: 'batch', deleted: true };
      throw err;
    }
  }

  async waitFor(jobId: string, options: WaitForOptions = {}): Promise<BatchJob> {
    const url = this.jobUrl(jobId);
    return waitForJob(
      { get: (id, callOptions) => this.get(id, callOptions), sleep: this.connection.sleep, now: this.connection.now, operation: `GET ${new URL(url).pathname}` },
      jobId,
      options,
    );
  }

  private jobUrl(jobId: string, suffix = ''): string {
    const id = jobId.trim();
    if (!id) throw invalidRequest('No batch job id given');
    return `${this.jobsUrl}/${encodeURIComponent(id)}${suffix}`;
  }
}

/** Refuses locally what the spec forbids, so the user gets one clear sentence rather than a 422 list. */
function checkCreateRequest(request: CreateBatchJobRequest, operation: string): void {
  const files = request.input_files ?? [];
  const requests = request.requests ?? [];
  if (files.length === 0 && requests.length === 0) throw invalidRequest('Give input files or inline requests for the batch job', operation);
  if (files.length > 0 && requests.length > 0) throw invalidRequest('Give input files or inline requests, not both', operation);
  if (requests.length > MAX_INLINE_REQUESTS) {
    throw invalidRequest(`Inline batches hold at most ${MAX_INLINE_REQUESTS.toLocaleString('en-US')} requests (got ${requests.length.toLocaleString('en-US')}); upload a batch file instead`, operation);
  }
  if (!request.endpoint?.trim()) throw invalidRequest('No endpoint given for the batch job', operation);
  if (!request.model?.trim() && !request.agent_id?.trim()) throw invalidRequest('Give a model (or an agent id) for the batch job', operation);
  const hours = request.timeout_hours;
  if (hours !== undefined && (!Number.isInteger(hours) || hours < TIMEOUT_HOURS_MIN || hours > TIMEOUT_HOURS_MAX)) {
    throw invalidRequest(`The timeout is ${TIMEOUT_HOURS_MIN} to ${TIMEOUT_HOURS_MAX} hours (a whole number); got ${String(hours)}`, operation);
  }
  for (const [key, value] of Object.entries(request.metadata ?? {})) {
    if (key.length < 1 || key.length > METADATA_KEY_MAX) throw invalidRequest(`Metadata keys are 1 to ${METADATA_KEY_MAX} characters; "${key}" is ${key.length}`, operation);
    if (typeof value !== 'string' || value.length < 1 || value.length > METADATA_VALUE_MAX) {
      throw invalidRequest(`Metadata values are 1 to ${METADATA_VALUE_MAX} characters; the one for "${key}" is not`, operation);
    }
  }
}

function wholeNumber(value: number, what: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw invalidRequest(`The ${what} must be a whole number ≥ ${min}; got ${value}`);
  return value;
}

function isoDate(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidRequest(`"${String(value)}" is not a date; use an ISO date such as 2026-05-01T12:00:00Z`);
  return date.toISOString();
}
