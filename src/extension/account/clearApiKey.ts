import * as vscode from 'vscode';
import type { Deps } from '../deps';

/** `mistral.clearApiKey({ confirm: false })` skips the confirmation (tests, other extensions). Resolves true when cleared. */
async function clearApiKey(deps: Deps, arg: unknown): Promise<boolean> {
  const skipConfirmation = typeof arg === 'object' && arg !== null && (arg as { confirm?: unknown }).confirm === false;
  if (!skipConfirmation) {
    const clear = vscode.l10n.t('Clear Key');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Remove the Mistral API key from this machine?'),
      { modal: true, detail: vscode.l10n.t('Every VS Code window on this machine stops using it. Files on Mistral are not affected.') },
      clear,
    );
    if (answer !== clear) return false;
  }
  await deps.keyStore.clear();
  deps.log.info('API key removed from secret storage.');
  deps.files.refresh();
  return true;
}

export function registerClearApiKey(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.clearApiKey', (arg?: unknown) => clearApiKey(deps, arg));
}
