/** Output and error files of a finished job, stored as Files (purpose batch, source mistral). */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileStore } from '../store';
import { derivedUuid } from './modelSupport';
import type { ResultLine, StoredJob } from './types';

export interface ResultFiles {
  outputFile: string | null;
  errorFile: string | null;
}

/**
 * Successes go to `<job_id>.jsonl` (batch_result), failures to `<job_id>_error.jsonl` (batch_error); a file
 * with no lines is not written. Ids derive from the job id, so a job finished twice (a crash between the
 * file and the job write) does not leave two copies.
 */
export async function writeResultFiles(
  store: FileStore, jobId: string, results: ResultLine[], createdAt = Math.floor(Date.now() / 1000),
): Promise<ResultFiles> {
  const failed = results.filter((line) => line.error !== null);
  const succeeded = results.filter((line) => line.error === null);
  return {
    outputFile: await writeLines(store, derivedUuid(`${jobId}:output`), `${jobId}.jsonl`, 'batch_result', succeeded, createdAt),
    errorFile: await writeLines(store, derivedUuid(`${jobId}:error`), `${jobId}_error.jsonl`, 'batch_error', failed, createdAt),
  };
}

async function writeLines(
  store: FileStore, id: string, filename: string, sampleType: string, lines: ResultLine[], createdAt: number,
): Promise<string | null> {
  if (lines.length === 0) return null;
  if (store.get(id)) return id;
  const content = Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  const tempPath = store.newTempPath();
  await fs.writeFile(tempPath, content);
  await store.add({
    bytes: content.length,
    created_at: createdAt,
    filename,
    purpose: 'batch',
    sample_type: sampleType,
    source: 'mistral',
    num_lines: lines.length,
    mimetype: 'application/jsonl',
    // The spec's list example shows Mistral-made batch files without a signature.
    signature: null,
    expires_at: null,
    visibility: 'workspace',
    sha256: createHash('sha256').update(content).digest('hex'),
  }, tempPath, id);
  return id;
}

/** `outputs` of `GET ?inline=true`: the lines of both files still in the store, successes first. */
export async function readResultLines(store: FileStore, job: StoredJob): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  for (const id of [job.output_file, job.error_file]) {
    if (id === null || !store.get(id)) continue;
    const text = await fs.readFile(store.blobPath(id), 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  return lines;
}
