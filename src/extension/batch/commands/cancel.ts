import * as vscode from 'vscode';
import type { BatchJob } from '../../../api/batch/types';
import { isTerminalStatus } from '../../../api/batch/types';
import { errorMessage } from '../../../api/core/errors';
import type { Deps } from '../../deps';
import { showError, withCancellableProgress } from '../../shared/feedback';
import { jobIdOf, jobNameOf, jobsOrIdsFromArgs, selectedOrPickedJobs } from './jobArgs';

/**
 * `mistral.batch.cancel(node | job | id, selected?)`: asks the service to cancel; the rows show
 * CANCELLATION_REQUESTED at once and follow to CANCELLED. Resolves with the jobs as the service answered.
 */
export function registerBatchCancel(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.cancel', async (first?: unknown, second?: unknown) => {
    let targets = jobsOrIdsFromArgs(first, second);
    if (targets.length === 0) {
      targets = await selectedOrPickedJobs(deps, { title: vscode.l10n.t('Cancel Batch Job'), activeOnly: true, canPickMany: true });
    }
    if (targets.length === 0) return [];
    const title = targets.length === 1 ? vscode.l10n.t('Cancelling batch job {0}', jobNameOf(targets[0])) : vscode.l10n.t('Cancelling {0} batch jobs', targets.length);
    const cancelled: BatchJob[] = [];
    const failed: string[] = [];
    try {
      await withCancellableProgress({ title }, async (signal) => {
        for (const target of targets) {
          if (signal.aborted) break;
          try {
            // Cancelling a job that already ended is refused by the service; say so instead of failing.
            if (typeof target !== 'string' && isTerminalStatus(target.status)) {
              failed.push(vscode.l10n.t('{0} already ended ({1})', jobNameOf(target), target.status));
              continue;
            }
            const job = await deps.client.batch.cancel(jobIdOf(target), { signal });
            cancelled.push(job);
            // CANCELLATION_REQUESTED is active: the visible view keeps polling the row until CANCELLED.
            deps.batchJobs.jobChanged(job);
            deps.log.info(`Requested cancellation of batch job ${job.id} (now ${job.status})`);
          } catch (err) {
            if (signal.aborted) throw err;
            failed.push(`${jobNameOf(target)}: ${errorMessage(err)}`);
            deps.log.error(`Cancel of batch job ${jobIdOf(target)} failed: ${errorMessage(err)}`);
          }
        }
      });
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Cancelling batch jobs failed'));
      return cancelled;
    }
    if (failed.length > 0) {
      void showError(deps.log, new Error(failed.join('; ')), vscode.l10n.t('Could not cancel every batch job'));
    } else if (cancelled.length > 0) {
      vscode.window.setStatusBarMessage(
        cancelled.length === 1
          ? vscode.l10n.t('Cancellation requested for batch job {0}', jobNameOf(cancelled[0]))
          : vscode.l10n.t('Cancellation requested for {0} batch jobs', cancelled.length),
        4000,
      );
    }
    return cancelled;
  });
}
