import * as vscode from 'vscode';
import { errorMessage } from '../../../api/core/errors';
import type { Deps } from '../../deps';
import { isNotFound, splitOptions } from '../../shared/args';
import { showError, withCancellableProgress } from '../../shared/feedback';
import { jobIdOf, jobNameOf, jobsOrIdsFromArgs, selectedOrPickedJobs } from './jobArgs';

/** `mistral.batch.delete(jobs, { confirm: false })` skips the confirmation (tests, other extensions). */
export interface BatchDeleteOptions {
  confirm?: boolean;
}

export interface BatchDeleteOutcome {
  deleted: string[];
  failed: Array<{ id: string; error: string }>;
}

/** `mistral.batch.delete(node | job | id, selected?, options?)`: removes jobs from the list after a modal confirmation. */
export function registerBatchDelete(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.delete', async (...rawArgs: unknown[]) => {
    const { first, second, options } = splitOptions<BatchDeleteOptions>(rawArgs, ['confirm']);
    let targets = jobsOrIdsFromArgs(first, second);
    if (targets.length === 0) targets = await selectedOrPickedJobs(deps, { title: vscode.l10n.t('Delete Batch Job'), canPickMany: true });
    if (targets.length === 0) return undefined;
    if (options?.confirm !== false) {
      const deleteLabel = vscode.l10n.t('Delete');
      const message =
        targets.length === 1
          ? vscode.l10n.t('Delete batch job "{0}" ({1})?', jobNameOf(targets[0]), jobIdOf(targets[0]))
          : vscode.l10n.t('Delete {0} batch jobs?', targets.length);
      const detail = vscode.l10n.t('The job leaves the list. Its input, results and errors files stay in Files.');
      if ((await vscode.window.showWarningMessage(message, { modal: true, detail }, deleteLabel)) !== deleteLabel) return undefined;
    }
    const outcome: BatchDeleteOutcome = { deleted: [], failed: [] };
    try {
      await withCancellableProgress({ title: vscode.l10n.t('Deleting batch jobs') }, async (signal) => {
        for (const target of targets) {
          if (signal.aborted) break;
          const id = jobIdOf(target);
          try {
            await deps.client.batch.delete(id, { signal });
            outcome.deleted.push(id);
          } catch (err) {
            if (signal.aborted) throw err;
            // Already gone is what the user wanted.
            if (isNotFound(err)) outcome.deleted.push(id);
            else outcome.failed.push({ id, error: `${jobNameOf(target)}: ${errorMessage(err)}` });
          }
        }
      });
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Deleting batch jobs failed'));
    }
    if (outcome.deleted.length > 0) {
      deps.batchJobs.jobsDeleted(outcome.deleted);
      deps.log.info(`Deleted batch jobs ${outcome.deleted.join(', ')}`);
    }
    if (outcome.failed.length > 0) {
      void showError(deps.log, new Error(outcome.failed.map((f) => f.error).join('; ')), vscode.l10n.t('Could not delete every batch job'));
    } else if (outcome.deleted.length > 0) {
      vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted {0} batch job(s)', outcome.deleted.length), 4000);
    }
    return outcome;
  });
}
