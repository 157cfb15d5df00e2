import type { CallOptions } from '../files/types';
import type {
  BatchJob,
  BatchJobList,
  CreateBatchJobRequest,
  DeletedBatchJob,
  GetBatchJobOptions,
  ListBatchJobsParams,
  WaitForOptions,
} from './types';

/**
 * What the extension and the CLI need from the Batch API. `BatchClient` implements it over the shared connection;
 * tests may substitute their own. Every method rejects with `MistralApiError` only. Joining results to their
 * requests is `joinBatchResults` (join.ts), which reads the files through FilesApi.
 */
export interface BatchApi {
  /** Sent once: a create whose body reached the service is never repeated (it could start a second, billed job). */
  create(request: CreateBatchJobRequest, options?: CallOptions): Promise<BatchJob>;
  list(params?: ListBatchJobsParams, options?: CallOptions): Promise<BatchJobList>;
  get(jobId: string, options?: GetBatchJobOptions): Promise<BatchJob>;
  /** Asks for cancellation; the job passes through CANCELLATION_REQUESTED before CANCELLED. */
  cancel(jobId: string, options?: CallOptions): Promise<BatchJob>;
  delete(jobId: string, options?: CallOptions): Promise<DeletedBatchJob>;
  /** Polls (adaptively) until the job's status is terminal and resolves with it; see wait.ts. */
  waitFor(jobId: string, options?: WaitForOptions): Promise<BatchJob>;
}
