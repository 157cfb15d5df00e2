import * as vscode from 'vscode';
import type { Deps } from '../../deps';
import { filesOrIdsFromArgs } from '../../shared/fileArgs';

/**
 * `mistral.copyFileId(node | file | id, selected?)`: copies the id (one a line for a multi-selection) and resolves with
 * the copied text, so callers need not read the clipboard back.
 */
export function registerCopyFileId(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.copyFileId', async (first?: unknown, second?: unknown) => {
    let ids = filesOrIdsFromArgs(first, second).map((value) => (typeof value === 'string' ? value : value.id));
    if (ids.length === 0) ids = [...new Set(deps.files.selectedFiles().map((file) => file.id))];
    if (ids.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select a file in the Mistral view first.'));
      return undefined;
    }
    const text = ids.join('\n');
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(
      ids.length === 1 ? vscode.l10n.t('Copied file ID {0}', ids[0]) : vscode.l10n.t('Copied {0} file IDs', ids.length),
      4000,
    );
    return text;
  });
}
