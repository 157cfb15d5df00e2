import * as vscode from 'vscode';
import type { CoreDeps } from '../coreDeps';

/** `mistral.clearFilter`: shows every file again; resolves once the tree reloaded. */
export function registerClearFilter(deps: CoreDeps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.clearFilter', async () => {
    deps.filter.clear();
    await deps.tree.whenLoaded();
  });
}
