import * as vscode from 'vscode';
import type { Deps } from '../../deps';

/** `mistral.clearFilter`: shows every file again; resolves once the tree reloaded. */
export function registerClearFilter(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.clearFilter', async () => {
    deps.files.filter.clear();
    await deps.files.whenLoaded();
  });
}
