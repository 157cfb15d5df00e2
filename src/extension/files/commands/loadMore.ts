import * as vscode from 'vscode';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { purposeFromArg, purposeLabel } from '../../shared/purposes';

/** `mistral.loadMore(purpose)`: the "Load more…" row of a group (or a caller naming the purpose) fetches its next page. */
export function registerLoadMore(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.loadMore', async (arg?: unknown) => {
    const purpose = purposeFromArg(arg);
    if (purpose === undefined) return;
    try {
      await deps.files.loadMore(purpose);
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Loading more {0} files failed', purposeLabel(purpose, vscode.l10n)), {
        retry: () => vscode.commands.executeCommand('mistral.loadMore', purpose),
      });
    }
  });
}
