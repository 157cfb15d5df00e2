import * as vscode from 'vscode';
import type { CoreDeps } from '../coreDeps';
import { showError } from '../errors';
import { purposeLabel } from '../views/treeItems';

/** `mistral.loadMore(purpose)`: the "Load more…" row of a group (or a caller naming the purpose) fetches its next page. */
export function registerLoadMore(deps: CoreDeps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.loadMore', async (arg?: unknown) => {
    const purpose =
      typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { purpose?: unknown }).purpose === 'string'
        ? (arg as { purpose: string }).purpose
        : undefined;
    if (purpose === undefined) return;
    try {
      await deps.tree.loadMore(purpose);
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Loading more {0} files failed', purposeLabel(purpose)));
    }
  });
}
