import * as vscode from 'vscode';
import type { BatchJob } from '../../../api/batch/types';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { jobIdOf, jobNameOf, jobsOrIdsFromArgs, selectedOrPickedJobs } from './jobArgs';

type ResultKind = 'output_file' | 'error_file';

/**
 * A job's results or errors file, from the row as shown or (when the row has none yet, or only an id was given)
 * from a fresh GET: the row may be a poll behind the service.
 */
async function resultFileOf(deps: Deps, target: BatchJob | string, kind: ResultKind): Promise<{ job: BatchJob; fileId: string | null }> {
  if (typeof target !== 'string' && target[kind]) return { job: target, fileId: target[kind] };
  const job = await deps.client.batch.get(jobIdOf(target));
  deps.batchJobs.jobChanged(job);
  return { job, fileId: job[kind] };
}

async function openResultFiles(deps: Deps, kind: ResultKind, first: unknown, second: unknown): Promise<vscode.Uri[]> {
  let targets = jobsOrIdsFromArgs(first, second);
  if (targets.length === 0) {
    const title = kind === 'output_file' ? vscode.l10n.t('Open Results of Batch Job') : vscode.l10n.t('Open Errors of Batch Job');
    targets = await selectedOrPickedJobs(deps, { title });
  }
  const opened: vscode.Uri[] = [];
  for (const target of targets) {
    try {
      const { job, fileId } = await resultFileOf(deps, target, kind);
      if (!fileId) {
        void vscode.window.showInformationMessage(
          kind === 'output_file'
            ? vscode.l10n.t('Batch job "{0}" has no results file yet ({1}).', jobNameOf(job), job.status)
            : vscode.l10n.t('Batch job "{0}" has no errors file ({1}).', jobNameOf(job), job.status),
        );
        continue;
      }
      const uris = await vscode.commands.executeCommand<vscode.Uri[] | undefined>('mistral.openFile', fileId);
      opened.push(...(uris ?? []));
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Opening the files of batch job {0} failed', jobNameOf(target)));
    }
  }
  return opened;
}

/** Download Results…: the results file through `mistral.download` (its save dialog, progress and messages). */
async function downloadResults(deps: Deps, first: unknown, second: unknown): Promise<unknown> {
  let targets = jobsOrIdsFromArgs(first, second);
  if (targets.length === 0) targets = await selectedOrPickedJobs(deps, { title: vscode.l10n.t('Download Results of Batch Job') });
  if (targets.length === 0) return undefined;
  try {
    const { job, fileId } = await resultFileOf(deps, targets[0], 'output_file');
    if (!fileId) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Batch job "{0}" has no results file yet ({1}).', jobNameOf(job), job.status));
      return undefined;
    }
    return await vscode.commands.executeCommand('mistral.download', fileId);
  } catch (err) {
    void showError(deps.log, err, vscode.l10n.t('Downloading the results of batch job {0} failed', jobNameOf(targets[0])));
    return undefined;
  }
}

/** Reveal Input File: the job's (first) input file selected in the Files view. */
async function revealInput(deps: Deps, first: unknown, second: unknown): Promise<string | undefined> {
  let targets = jobsOrIdsFromArgs(first, second);
  if (targets.length === 0) targets = await selectedOrPickedJobs(deps, { title: vscode.l10n.t('Reveal Input File of Batch Job') });
  if (targets.length === 0) return undefined;
  try {
    const job = typeof targets[0] === 'string' ? await deps.client.batch.get(targets[0]) : targets[0];
    const fileId = job.input_files[0];
    if (!fileId) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Batch job "{0}" was created from inline requests; it has no input file.', jobNameOf(job)));
      return undefined;
    }
    await deps.files.reveal(await deps.client.files.retrieve(fileId));
    return fileId;
  } catch (err) {
    void showError(deps.log, err, vscode.l10n.t('Revealing the input file of batch job {0} failed', jobNameOf(targets[0])));
    return undefined;
  }
}

/**
 * `mistral.batch.openResults` / `openErrors` (previews of the files the job wrote), `downloadResults` and
 * `revealInput`, each taking a view node, a job or a job id.
 */
export function registerBatchOpenResults(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mistral.batch.downloadResults', (first?: unknown, second?: unknown) => downloadResults(deps, first, second)),
    vscode.commands.registerCommand('mistral.batch.revealInput', (first?: unknown, second?: unknown) => revealInput(deps, first, second)),
    vscode.commands.registerCommand('mistral.batch.openResults', (first?: unknown, second?: unknown) => openResultFiles(deps, 'output_file', first, second)),
    vscode.commands.registerCommand('mistral.batch.openErrors', (first?: unknown, second?: unknown) => openResultFiles(deps, 'error_file', first, second)),
  );
}
