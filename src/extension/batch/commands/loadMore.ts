import * as vscode from 'vscode';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';

/** `mistral.batch.loadMore`: the "Load more…" row of the Batch Jobs view lists the next page. */
export function registerBatchLoadMore(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.loadMore', async () => {
    try {
      await deps.batchJobs.loadMore();
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Loading more batch jobs failed'), {
        retry: () => vscode.commands.executeCommand('mistral.batch.loadMore'),
      });
    }
  });
}
