/**
 * Which unfinished batch jobs read a file: deleting an input file while its job is queued or running may fail the
 * job, so the extension says so before a delete. One list call per page of unfinished jobs, not one per file.
 */
import type { CallOptions } from '../files/types';
import type { BatchApi } from './batchApi';
import type { BatchJob, BatchJobStatus } from './types';

/** Statuses in which a job may still read its inputs. */
const READING_STATUSES: BatchJobStatus[] = ['QUEUED', 'RUNNING'];
const PAGE_SIZE = 100;
/** Enough for any realistic number of unfinished jobs; past it the answer is what was seen. */
const MAX_PAGES = 10;

/** The unfinished jobs that list each of `fileIds` among their inputs (only files some job reads appear). */
export async function unfinishedJobsReading(batch: Pick<BatchApi, 'list'>, fileIds: readonly string[], options: CallOptions = {}): Promise<Map<string, BatchJob[]>> {
  const wanted = new Set(fileIds);
  const readers = new Map<string, BatchJob[]>();
  if (wanted.size === 0) return readers;
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await batch.list({ status: READING_STATUSES, page, pageSize: PAGE_SIZE }, options);
    for (const job of list.data) {
      for (const input of job.input_files ?? []) {
        if (!wanted.has(input)) continue;
        const jobs = readers.get(input) ?? [];
        jobs.push(job);
        readers.set(input, jobs);
      }
    }
    if (list.data.length < PAGE_SIZE) break;
  }
  return readers;
}
