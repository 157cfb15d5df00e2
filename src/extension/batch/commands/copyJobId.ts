import * as vscode from 'vscode';
import type { Deps } from '../../deps';
import { jobIdOf, jobsOrIdsFromArgs } from './jobArgs';

/** `mistral.batch.copyJobId(node | job | id, selected?)`: copies the ids (one a line) and resolves with the copied text. */
export function registerBatchCopyJobId(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.copyJobId', async (first?: unknown, second?: unknown) => {
    let ids = jobsOrIdsFromArgs(first, second).map(jobIdOf);
    if (ids.length === 0) ids = deps.batchJobs.selectedJobs().map((job) => job.id);
    if (ids.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select a job in the Batch Jobs view first.'));
      return undefined;
    }
    const text = ids.join('\n');
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(ids.length === 1 ? vscode.l10n.t('Copied job ID {0}', ids[0]) : vscode.l10n.t('Copied {0} job IDs', ids.length), 4000);
    return text;
  });
}
