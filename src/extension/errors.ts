import * as vscode from 'vscode';
import { MistralApiError, isAbortError, isKeyRejection } from '../api/errors';

/**
 * Shows a short error with a "Show Log" action and writes the full detail to the log
 * (pattern of vscode-python-environments' src/common/errors/utils.ts). Cancellations are logged, not shown.
 * `what` says what failed, e.g. l10n.t('Upload of {0} failed', name).
 */
export async function showError(log: vscode.LogOutputChannel, err: unknown, what: string): Promise<void> {
  if (isAbortError(err)) {
    log.info(`${what}: cancelled`);
    return;
  }
  const reason = err instanceof MistralApiError ? err.message : err instanceof Error ? err.message : String(err);
  log.error(`${what}: ${err instanceof MistralApiError ? err.describe() : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const showLog = vscode.l10n.t('Show Log');
  // A rejected key is fixed by setting another one, so that is offered first.
  const keyRejected = isKeyRejection(err);
  const setKey = vscode.l10n.t('Set API Key');
  const choice = await vscode.window.showErrorMessage(`${what}: ${reason}`, ...(keyRejected ? [setKey, showLog] : [showLog]));
  if (choice === showLog) log.show(true);
  if (choice === setKey) await vscode.commands.executeCommand('mistral.setApiKey');
}
