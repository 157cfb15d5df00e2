import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BatchEndpoint, BatchJob } from '../../../api/batch/types';
import { errorMessage } from '../../../api/core/errors';
import type { MistralFile } from '../../../api/files/types';
import type { Deps } from '../../deps';
import type { UploadOutcome } from '../../files/commands/upload';
import { readHead } from '../../files/purposeDetection';
import { nameOf, splitOptions, urisFromArgs } from '../../shared/args';
import { filesOrIdsFromArgs } from '../../shared/fileArgs';
import { showError, withCancellableProgress } from '../../shared/feedback';
import { askTimeoutAndMetadata, pickEndpoint, pickInput, pickModel, readRemoteHead } from './createPrompts';
import { inferEndpoint, parseHead, type InputHead } from './endpointInference';

/** Drives `mistral.batch.create` without questions (tests, other extensions); whatever is left out is asked. */
export interface CreateBatchOptions {
  /** Uploaded batch files (ids or MistralFile objects). */
  inputFiles?: Array<MistralFile | string>;
  model?: string;
  endpoint?: BatchEndpoint;
  metadata?: Record<string, string>;
  /** 1..168; the service's default is 24. */
  timeoutHours?: number;
}
const OPTION_KEYS = ['inputFiles', 'model', 'endpoint', 'metadata', 'timeoutHours'] as const;

interface Inputs {
  files: Array<MistralFile | string>;
  /** The first lines, when a local file was read before its upload. */
  head?: InputHead;
}

/**
 * `mistral.batch.create(arg?, selected?, options?)`: a Files-view batch file (or MistralFile, or id), a local `.jsonl`
 * from the Explorer or an editor (validated and uploaded first through `mistral.upload`), or nothing (the palette:
 * picked). The endpoint is inferred from the requests' bodies when they tell, the model asked with suggestions.
 * Resolves with the created job, which the view reveals and the watcher follows to its end.
 */
export function registerBatchCreate(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.create', async (...rawArgs: unknown[]) => {
    const { first, second, options: given } = splitOptions<CreateBatchOptions>(rawArgs, OPTION_KEYS);
    const options = given ?? {};
    try {
      const inputs = await resolveInputs(deps, first, second, options);
      if (!inputs || inputs.files.length === 0) return undefined;
      const settings = await chooseEndpointAndModel(deps, inputs, options);
      if (!settings) return undefined;
      // A caller passing options has said what it wants; people are asked (Enter skips each box).
      const extras = given ? {} : await askTimeoutAndMetadata();
      if (!extras) return undefined;
      return await createJob(deps, inputs.files, settings, { ...extras, ...options });
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Creating the batch job failed'));
      return undefined;
    }
  });
}

async function resolveInputs(deps: Deps, first: unknown, second: unknown, options: CreateBatchOptions): Promise<Inputs | undefined> {
  if (options.inputFiles && options.inputFiles.length > 0) return { files: options.inputFiles };
  const uris = urisFromArgs(first, second);
  if (uris.length > 0) return uploadLocal(uris);
  const files = filesOrIdsFromArgs(first, second);
  if (files.length > 0) return { files };
  const selected = deps.files.selectedFiles().filter((file) => file.purpose === 'batch');
  if (selected.length > 0) return { files: selected };
  const picked = await pickInput(deps);
  if (picked === undefined) return undefined;
  return picked instanceof vscode.Uri ? uploadLocal([picked]) : { files: [picked] };
}

/** Local files go through Upload (its validation gate, progress and messages); only what it uploaded is used. */
async function uploadLocal(uris: vscode.Uri[]): Promise<Inputs | undefined> {
  const notJsonl = uris.filter((uri) => path.extname(uri.fsPath).toLowerCase() !== '.jsonl');
  if (notJsonl.length > 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('A batch job reads .jsonl request files; "{0}" is not one.', path.basename(notJsonl[0].fsPath)));
    return undefined;
  }
  const head = uris[0].scheme === 'file' ? await readHead(uris[0].fsPath) : undefined;
  const outcome = await vscode.commands.executeCommand<UploadOutcome | undefined>('mistral.upload', { uris, purpose: 'batch' });
  // Upload has said what went wrong (validation errors, a failure, a cancel); the job is created only from all files.
  if (!outcome || outcome.uploaded.length !== uris.length) return undefined;
  return { files: outcome.uploaded, head: head === undefined ? undefined : parseHead(head) };
}

async function chooseEndpointAndModel(
  deps: Deps,
  inputs: Inputs,
  options: CreateBatchOptions,
): Promise<{ endpoint: BatchEndpoint; model: string } | undefined> {
  if (options.endpoint && options.model) return { endpoint: options.endpoint, model: options.model };
  const head = inputs.head ?? (await readFirstLines(deps, inputs.files[0]));
  const endpoint = options.endpoint ?? inferEndpoint(head, options.model) ?? (await pickEndpoint(undefined));
  if (!endpoint) return undefined;
  const model = options.model ?? (await pickModel(endpoint, head.model));
  if (!model) return undefined;
  return { endpoint, model };
}

/** The requests' first lines, for the endpoint and model they suggest; nothing when they cannot be read. */
async function readFirstLines(deps: Deps, file: MistralFile | string): Promise<InputHead> {
  const id = typeof file === 'string' ? file : file.id;
  try {
    const text = await withCancellableProgress({ title: vscode.l10n.t('Reading {0}', nameOf(file)), location: vscode.ProgressLocation.Window }, (signal) =>
      readRemoteHead(deps, id, signal),
    );
    return parseHead(text);
  } catch (err) {
    deps.log.warn(`Could not read the first lines of ${id} to infer the endpoint: ${errorMessage(err)}`);
    return { bodies: [], model: undefined };
  }
}

async function createJob(
  deps: Deps,
  files: ReadonlyArray<MistralFile | string>,
  settings: { endpoint: BatchEndpoint; model: string },
  options: CreateBatchOptions,
): Promise<BatchJob> {
  const job = await withCancellableProgress({ title: vscode.l10n.t('Creating batch job ({0})', settings.model) }, (signal) =>
    deps.client.batch.create(
      {
        input_files: files.map((file) => (typeof file === 'string' ? file : file.id)),
        endpoint: settings.endpoint,
        model: settings.model,
        metadata: options.metadata,
        timeout_hours: options.timeoutHours,
      },
      { signal },
    ),
  );
  deps.log.info(`Created batch job ${job.id} (${job.endpoint}, ${job.model ?? ''}) from ${job.input_files.join(', ')}`);
  deps.batchJobs.watch(job);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Created batch job {0}', job.id), 4000);
  await deps.batchJobs.reveal(job).catch((err: unknown) => deps.log.warn(`Could not reveal batch job ${job.id}: ${errorMessage(err)}`));
  return job;
}
