/** The Batch API's answers, read leniently (see core/shapes.ts): unknown statuses and missing optional fields are fine. */
import { ShapeError, asObject, optionalNumber, optionalString, requiredNumber, requiredString, type Json } from '../core/shapes';
import type { BatchError, BatchJob, BatchJobList, DeletedBatchJob } from './types';

export function parseBatchJob(value: unknown, what = 'the batch job'): BatchJob {
  const record = asObject(value, what);
  return {
    id: requiredString(record, 'id', what),
    // Always "batch"; a proxy that strips it must not make the job unusable.
    object: optionalString(record, 'object') ?? 'batch',
    input_files: stringArray(record.input_files),
    metadata: optionalRecord(record.metadata),
    endpoint: requiredString(record, 'endpoint', what),
    model: optionalString(record, 'model'),
    agent_id: optionalString(record, 'agent_id'),
    output_file: optionalString(record, 'output_file'),
    error_file: optionalString(record, 'error_file'),
    errors: parseErrors(record.errors),
    outputs: Array.isArray(record.outputs) ? record.outputs.filter(isRecord) : null,
    status: requiredString(record, 'status', what),
    created_at: requiredNumber(record, 'created_at', what),
    total_requests: requiredNumber(record, 'total_requests', what),
    completed_requests: requiredNumber(record, 'completed_requests', what),
    succeeded_requests: requiredNumber(record, 'succeeded_requests', what),
    failed_requests: requiredNumber(record, 'failed_requests', what),
    started_at: optionalNumber(record, 'started_at'),
    completed_at: optionalNumber(record, 'completed_at'),
  };
}

export function parseBatchJobList(value: unknown): BatchJobList {
  const record = asObject(value, 'the job list');
  // `data` defaults to [] in the spec: only `total` is required.
  const data = record.data ?? [];
  if (!Array.isArray(data)) throw new ShapeError('the job list has a "data" that is not an array');
  const jobs = data.map((entry, index) => parseBatchJob(entry, `job list entry ${index}`));
  return {
    data: jobs,
    object: optionalString(record, 'object') ?? 'list',
    total: optionalNumber(record, 'total') ?? jobs.length,
  };
}

export function parseDeletedBatchJob(value: unknown): DeletedBatchJob {
  const record = asObject(value, 'the deletion answer');
  const deleted = record.deleted;
  return {
    id: requiredString(record, 'id', 'the deletion answer'),
    object: optionalString(record, 'object') ?? 'batch',
    // The spec's default is true: a body without the field still reports a deletion.
    deleted: typeof deleted === 'boolean' ? deleted : true,
  };
}

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionalRecord(value: unknown): Json | null {
  return isRecord(value) ? value : null;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function parseErrors(value: unknown): BatchError[] {
  if (!Array.isArray(value)) return [];
  const errors: BatchError[] = [];
  for (const entry of value) {
    if (typeof entry === 'string') errors.push({ message: entry, count: 1 });
    else if (isRecord(entry) && typeof entry.message === 'string') {
      errors.push({ message: entry.message, count: optionalNumber(entry, 'count') ?? 1 });
    }
  }
  return errors;
}
