/**
 * Which files a Batch Results editor joins: for a remote result file, the job that wrote it (named in the URI's
 * `?job=` query when the viewer was opened from a job, else looked up) and so its input files; for a local file,
 * the file alone, or joined with an input file the user picks.
 */
import * as vscode from 'vscode';
import { jobResultSources, localFileSource, type JoinSources, type LineSource } from '../../api/batch/join';
import type { BatchApi } from '../../api/batch/batchApi';
import type { BatchJob } from '../../api/batch/types';
import type { FilesApi } from '../../api/files/filesApi';
import { fileIdOfPreviewUri, PREVIEW_SCHEME } from '../files/preview/previewUri';

/** Jobs listed while looking for the one that wrote a result file: the newest few hundred. */
const LOOKUP_PAGES = 3;
const LOOKUP_PAGE_SIZE = 100;

export interface ResolvedSources {
  sources: JoinSources;
  /** The job whose results these are, when known. */
  job?: BatchJob;
  /** What the rows are joined with, for the header: the job id, an input file's name, or nothing. */
  describe: string;
}

/** The job id a viewer URI names (`?job=<id>`), if any. */
export function jobIdOfUri(uri: vscode.Uri): string | undefined {
  const match = /(?:^|&)job=([^&]+)/.exec(uri.query);
  return match ? decodeURIComponent(match[1]) : undefined;
}

function ownsFile(job: BatchJob, fileId: string): boolean {
  return job.output_file === fileId || job.error_file === fileId;
}

/**
 * The job that wrote a result file. The emulator names result files `<job id>.jsonl` / `<job id>_error.jsonl`;
 * Mistral does not document the name, so that is only tried first and checked, then the newest jobs are listed.
 */
export async function findJobOfFile(batch: BatchApi, fileId: string, filename: string, signal?: AbortSignal): Promise<BatchJob | undefined> {
  const guess = /^([0-9a-f-]{36})(?:_error)?\.jsonl$/i.exec(filename)?.[1];
  if (guess) {
    const job = await batch.get(guess, { signal }).catch(() => undefined);
    if (job && ownsFile(job, fileId)) return job;
  }
  for (let page = 0; page < LOOKUP_PAGES; page++) {
    const list = await batch.list({ page, pageSize: LOOKUP_PAGE_SIZE }, { signal });
    const job = list.data.find((candidate) => ownsFile(candidate, fileId));
    if (job) return job;
    if (list.data.length < LOOKUP_PAGE_SIZE) break;
  }
  return undefined;
}

/** A workspace or other file read through VS Code's file system (any scheme it serves), streamed once. */
export function uriSource(uri: vscode.Uri): LineSource {
  if (uri.scheme === 'file') return localFileSource(uri.fsPath);
  return {
    name: uri.path.split('/').pop() ?? uri.toString(),
    open: async () => {
      const bytes = await vscode.workspace.fs.readFile(uri);
      return (async function* () {
        yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      })();
    },
  };
}

export async function resolveSources(
  uri: vscode.Uri,
  api: { files: FilesApi; batch: BatchApi },
  inputOverride: vscode.Uri | undefined,
  signal: AbortSignal,
): Promise<ResolvedSources> {
  const name = uri.path.split('/').pop() ?? uri.path;
  const fileId = uri.scheme === PREVIEW_SCHEME ? fileIdOfPreviewUri(uri) : undefined;
  if (fileId !== undefined && inputOverride === undefined) {
    const jobId = jobIdOfUri(uri);
    let job = jobId ? await api.batch.get(jobId, { signal }) : undefined;
    if (job && !ownsFile(job, fileId)) job = undefined;
    job ??= await findJobOfFile(api.batch, fileId, name, signal);
    if (job) return { sources: jobResultSources(api.files, job), job, describe: job.id };
    return { sources: { inputs: [], results: [remoteSource(api.files, fileId, name)] }, describe: '' };
  }
  const results = [fileId !== undefined ? remoteSource(api.files, fileId, name) : uriSource(uri)];
  const inputs = inputOverride ? [uriSource(inputOverride)] : [];
  return { sources: { inputs, results }, describe: inputOverride ? (inputOverride.path.split('/').pop() ?? '') : '' };
}

function remoteSource(files: FilesApi, fileId: string, name: string): LineSource {
  return { name, open: async (signal) => (await files.openContent(fileId, { signal })).body };
}

/** Any JSONL the editor can open: a local file, a remote `mistral-file:` (streamed from the API), or another scheme. */
export function documentSource(uri: vscode.Uri, files: FilesApi): LineSource {
  const fileId = uri.scheme === PREVIEW_SCHEME ? fileIdOfPreviewUri(uri) : undefined;
  return fileId !== undefined ? remoteSource(files, fileId, uri.path.split('/').pop() ?? fileId) : uriSource(uri);
}
