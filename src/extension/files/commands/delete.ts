import * as vscode from 'vscode';
import { isAbortError, errorMessage } from '../../../api/core/errors';
import type { MistralFile } from '../../../api/files/types';
import { formatBytes, formatRelativeTime } from '../../../util/format';
import type { Deps } from '../../deps';
import { PercentProgress, showError, showRunSummary, withCancellableProgress } from '../../shared/feedback';
import { filesOrIdsFromArgs, splitOptions, idOf, isNotFound, listNames, nameOf } from '../../shared/args';
import { unfinishedJobsReading } from '../../../api/batch/readers';
import { mapSettled } from '../../shared/concurrency';
import { selectedOrPickedFiles } from './pickFiles';

/** `mistral.delete(files, { confirm: false })` skips the confirmation (tests, other extensions). */
export interface DeleteCommandOptions {
  confirm?: boolean;
}
const CONCURRENT_DELETES = 4;
const NAMES_IN_CONFIRMATION = 5;

export interface DeleteOutcome {
  deleted: string[];
  /** Ids the service no longer knew (404): counted as deleted. */
  alreadyGone: string[];
  failed: Array<{ id: string; error: string }>;
  cancelled: boolean;
}

export function registerDelete(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.delete', async (...rawArgs: unknown[]) => {
    const { first, second, options } = splitOptions<DeleteCommandOptions>(rawArgs, ['confirm']);
    let targets = filesOrIdsFromArgs(first, second);
    if (targets.length === 0) {
      targets = await selectedOrPickedFiles(deps, { canPickMany: true, title: vscode.l10n.t('Delete from Mistral') });
    }
    if (targets.length === 0) return undefined;
    if (options?.confirm !== false && !(await confirm(targets, await jobsReading(deps, targets)))) return undefined;
    try {
      return await deleteAll(deps, targets);
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Delete failed'));
      return undefined;
    }
  });
}

/** What tells two files of the same name apart: size, age and id ("1.2 KB · 3 days ago · 3f2a…"). */
export function identifyingDetail(target: MistralFile | string, nowMs = Date.now()): string {
  if (typeof target === 'string') return target;
  const parts = [formatBytes(target.bytes)];
  if (Number.isFinite(target.created_at)) parts.push(formatRelativeTime(target.created_at, nowMs));
  parts.push(target.id);
  return parts.join(' · ');
}

/**
 * The unfinished batch jobs that read the targets, as lines for the confirmation ("Read by batch job 5e1f… (RUNNING)").
 * The delete does not depend on it: when the jobs cannot be listed, the dialog just says less.
 */
export async function jobsReading(deps: Deps, targets: ReadonlyArray<MistralFile | string>): Promise<string[]> {
  const candidates = targets.filter((target) => typeof target === 'string' || target.purpose === 'batch').map(idOf);
  if (candidates.length === 0) return [];
  try {
    const readers = await unfinishedJobsReading(deps.client.batch, candidates);
    const byId = new Map(targets.map((target) => [idOf(target), nameOf(target)]));
    return [...readers].map(([fileId, jobs]) =>
      vscode.l10n.t(
        '"{0}" is read by unfinished batch job(s) {1}: deleting it may make them fail.',
        byId.get(fileId) ?? fileId,
        jobs.map((job) => `${job.id.slice(0, 8)}… (${job.status})`).join(', '),
      ),
    );
  } catch (err) {
    deps.log.warn(`Could not check which batch jobs read the files to delete: ${errorMessage(err)}`);
    return [];
  }
}

/** One modal dialog naming what goes, each file with its size, age and id (names alone can repeat). */
async function confirm(targets: ReadonlyArray<MistralFile | string>, readerWarnings: readonly string[] = []): Promise<boolean> {
  const deleteLabel = vscode.l10n.t('Delete');
  const names = targets.map(nameOf);
  const message =
    targets.length === 1
      ? vscode.l10n.t('Delete "{0}" from Mistral?', names[0])
      : vscode.l10n.t('Delete {0} files from Mistral?', targets.length);
  const listed = targets.slice(0, NAMES_IN_CONFIRMATION).map((target) =>
    typeof target === 'string' ? `• ${target}` : `• ${nameOf(target)} (${identifyingDetail(target)})`,
  );
  if (names.length > NAMES_IN_CONFIRMATION) listed.push(vscode.l10n.t('…and {0} more', names.length - NAMES_IN_CONFIRMATION));
  const consequence =
    targets.length === 1
      ? vscode.l10n.t('This cannot be undone. Jobs that use this file may fail.')
      : vscode.l10n.t('This cannot be undone. Jobs that use these files may fail.');
  const warnings = readerWarnings.length > 0 ? `\n\n${readerWarnings.join('\n')}` : '';
  const detail = targets.length === 1 ? `${identifyingDetail(targets[0])}\n\n${consequence}${warnings}` : `${listed.join('\n')}\n\n${consequence}${warnings}`;
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, deleteLabel);
  return answer === deleteLabel;
}

async function deleteAll(deps: Deps, targets: ReadonlyArray<MistralFile | string>): Promise<DeleteOutcome> {
  const outcome: DeleteOutcome = { deleted: [], alreadyGone: [], failed: [], cancelled: false };
  const title = targets.length === 1 ? vscode.l10n.t('Deleting "{0}"', nameOf(targets[0])) : vscode.l10n.t('Deleting {0} files', targets.length);
  // One file is quick: its progress stays in the status bar rather than adding a toast after the dialog.
  const location = targets.length === 1 ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
  const results = await withCancellableProgress({ title, location }, async (signal, progress) => {
    let done = 0;
    const percent = new PercentProgress(progress, targets.length);
    return mapSettled(
      targets,
      CONCURRENT_DELETES,
      async (target) => {
        try {
          await deps.client.files.delete(idOf(target), { signal });
          return 'deleted' as const;
        } catch (err) {
          if (isNotFound(err)) return 'gone' as const;
          throw err;
        } finally {
          done++;
          percent.report(done, () => vscode.l10n.t('{0} of {1}', done, targets.length));
        }
      },
      signal,
    );
  });

  results.forEach((result, index) => {
    const id = idOf(targets[index]);
    if (result.ok) {
      (result.value === 'gone' ? outcome.alreadyGone : outcome.deleted).push(id);
      deps.log.info(result.value === 'gone' ? `Delete ${id}: already gone (404)` : `Deleted ${id}`);
    } else if (isAbortError(result.error)) {
      outcome.cancelled = true;
    } else {
      outcome.failed.push({ id, error: `${nameOf(targets[index])}: ${errorMessage(result.error)}` });
      deps.log.error(`Delete of ${id} failed: ${errorMessage(result.error)}`);
    }
  });

  const removed = new Set([...outcome.deleted, ...outcome.alreadyGone]);
  const removedTargets = targets.filter((target) => removed.has(idOf(target)));
  if (removedTargets.length > 0) deps.files.filesDeleted(removedTargets);

  report(deps, targets, outcome);
  return outcome;
}

function report(deps: Deps, targets: ReadonlyArray<MistralFile | string>, outcome: DeleteOutcome): void {
  const nameById = new Map(targets.map((target) => [idOf(target), nameOf(target)]));
  const removed = [...outcome.deleted, ...outcome.alreadyGone];
  const parts: string[] = [];
  if (targets.length === 1 && removed.length === 1) {
    parts.push(
      outcome.alreadyGone.length === 1
        ? vscode.l10n.t('"{0}" was already deleted.', nameOf(targets[0]))
        : vscode.l10n.t('Deleted "{0}".', nameOf(targets[0])),
    );
  } else if (removed.length > 0) {
    parts.push(vscode.l10n.t('Deleted {0} of {1} files.', removed.length, targets.length));
    if (outcome.alreadyGone.length > 0) {
      parts.push(vscode.l10n.t('Already gone: {0}.', listNames(outcome.alreadyGone.map((id) => nameById.get(id) ?? id))));
    }
  }
  if (outcome.failed.length > 0) parts.push(vscode.l10n.t('Failed: {0}.', outcome.failed.map((f) => f.error).join('; ')));
  if (outcome.cancelled) parts.push(vscode.l10n.t('Cancelled before every file was deleted.'));
  if (parts.length === 0) return;
  if (outcome.failed.length > 0) {
    const failedIds = new Set(outcome.failed.map((failure) => failure.id));
    const retryTargets = targets.filter((target) => failedIds.has(idOf(target)));
    void showRunSummary(deps.log, 'error', parts.join(' '), {
      retry: () => vscode.commands.executeCommand('mistral.delete', retryTargets, { confirm: false }),
    });
  } else if (outcome.cancelled) {
    void vscode.window.showWarningMessage(parts.join(' '));
  } else {
    // Success is what the user asked for and the rows vanish: a status bar note, not another toast.
    vscode.window.setStatusBarMessage(`$(check) ${parts.join(' ')}`, 6000);
  }
}
