import * as vscode from 'vscode';
import type { Deps } from '../../deps';

/** `mistral.batch.refresh`: lists the jobs again; resolves once the list has loaded (or failed), for callers and tests. */
export function registerBatchRefresh(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.refresh', async () => {
    deps.batchJobs.refresh();
    await deps.batchJobs.whenLoaded();
  });
}
