import * as vscode from 'vscode';
import type { BatchApi } from '../../../api/batch/batchApi';
import type { BatchJob } from '../../../api/batch/types';
import { errorMessage, isAbortError } from '../../../api/core/errors';
import { BATCH_JOBS_VIEW_ID } from './batchTreeItems';

export interface JobWatcherDeps {
  client: Pick<BatchApi, 'waitFor'>;
  log: vscode.LogOutputChannel;
  /** Every answer of a watched job's polls, so its row follows even while the view is hidden. */
  onJob(job: BatchJob): void;
}

/**
 * Follows the jobs the user started in this window until they end, independently of the view (which polls only
 * while visible): an information message with *Open Results* when one ends, and a status bar item while any run.
 */
export class BatchJobWatcher implements vscode.Disposable {
  private readonly watching = new Map<string, AbortController>();
  private readonly statusBar: vscode.StatusBarItem;

  constructor(private readonly deps: JobWatcherDeps) {
    this.statusBar = vscode.window.createStatusBarItem('mistral.batchJobs.running', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = vscode.l10n.t('Mistral Batch Jobs');
    this.statusBar.command = { command: `${BATCH_JOBS_VIEW_ID}.focus`, title: vscode.l10n.t('Show Batch Jobs') };
  }

  /** Ids of the jobs being watched (for tests). */
  get watchedIds(): string[] {
    return [...this.watching.keys()];
  }

  watch(job: BatchJob): void {
    if (this.watching.has(job.id)) return;
    const controller = new AbortController();
    this.watching.set(job.id, controller);
    this.updateStatusBar();
    this.deps.client
      .waitFor(job.id, {
        signal: controller.signal,
        minIntervalMs: 2_000,
        maxIntervalMs: 30_000,
        onProgress: ({ job: latest }) => this.deps.onJob(latest),
      })
      .then(
        (done) => void this.announce(done),
        (err: unknown) => {
          if (!isAbortError(err)) this.deps.log.warn(`Stopped watching batch job ${job.id}: ${errorMessage(err)}`);
        },
      )
      .finally(() => {
        if (this.watching.get(job.id) === controller) this.watching.delete(job.id);
        this.updateStatusBar();
      });
  }

  private updateStatusBar(): void {
    const running = this.watching.size;
    if (running === 0) {
      this.statusBar.hide();
      return;
    }
    this.statusBar.text = running === 1 ? vscode.l10n.t('$(sync~spin) 1 batch job') : vscode.l10n.t('$(sync~spin) {0} batch jobs', running);
    this.statusBar.tooltip = vscode.l10n.t('Batch jobs you started that are still running. Click to show them.');
    this.statusBar.show();
  }

  private async announce(job: BatchJob): Promise<void> {
    const name = job.model ?? job.id;
    const counts = vscode.l10n.t('{0} of {1} requests succeeded', job.succeeded_requests, job.total_requests);
    this.deps.log.info(`Batch job ${job.id} ended: ${job.status} (${job.succeeded_requests}/${job.total_requests} succeeded, ${job.failed_requests} failed)`);
    const openResults = vscode.l10n.t('Open Results');
    const openErrors = vscode.l10n.t('Open Errors');
    const actions = [...(job.output_file ? [openResults] : []), ...(job.error_file ? [openErrors] : [])];
    let message: string;
    if (job.status === 'SUCCESS') message = vscode.l10n.t('Batch job "{0}" finished: {1}.', name, counts);
    else if (job.status === 'CANCELLED') message = vscode.l10n.t('Batch job "{0}" was cancelled: {1}.', name, counts);
    else message = vscode.l10n.t('Batch job "{0}" ended with {1}: {2}.', name, job.status, counts);
    const show = job.status === 'SUCCESS' || job.status === 'CANCELLED' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const choice = await show(message, ...actions);
    if (choice === openResults) await vscode.commands.executeCommand('mistral.batch.openResults', job);
    else if (choice === openErrors) await vscode.commands.executeCommand('mistral.batch.openErrors', job);
  }

  dispose(): void {
    for (const controller of this.watching.values()) controller.abort();
    this.watching.clear();
    this.statusBar.dispose();
  }
}
