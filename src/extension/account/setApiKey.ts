import * as vscode from 'vscode';
import { MistralApiError, errorMessage, isAbortError, isKeyRejection } from '../../api/core/errors';
import type { Deps } from '../deps';
import { withCancellableProgress } from '../shared/feedback';

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** Cheap syntactic check before a network call; the service is the real judge. */
export function apiKeyInputProblem(value: string): string | undefined {
  const key = value.trim();
  if (key === '') return vscode.l10n.t('Paste your API key.');
  if (!/^[\x21-\x7e]+$/.test(key)) return vscode.l10n.t('An API key has no spaces, line breaks or non-ASCII characters.');
  return undefined;
}

type KeyCheck = { ok: true } | { ok: false; rejected: boolean; error: unknown };

/** Lists one file with the candidate key through a one-off client, never the shared one. */
async function checkKey(deps: Deps, key: string): Promise<KeyCheck> {
  const client = deps.client.withKey(key);
  try {
    await withCancellableProgress({ title: vscode.l10n.t('Checking the API key with {0}…', hostOf(deps.settings.baseUrl)) }, (signal) =>
      client.files.list({ pageSize: 1 }, { signal }),
    );
    return { ok: true };
  } catch (err) {
    const rejected = isKeyRejection(err);
    return { ok: false, rejected, error: err };
  } finally {
    void Promise.resolve(client.dispose()).catch(() => undefined);
  }
}

/**
 * `mistral.setApiKey(key?)`: with a string argument (tests, other extensions) nothing is asked; otherwise a password
 * input. The key is checked against the service before it is stored, and stored only in SecretStorage.
 * Resolves true when a key was stored.
 */
async function setApiKey(deps: Deps, arg: unknown): Promise<boolean> {
  const interactive = typeof arg !== 'string';
  let key: string | undefined = interactive ? undefined : (arg as string);
  if (interactive) {
    key = await vscode.window.showInputBox({
      title: vscode.l10n.t('Mistral: Set API Key'),
      prompt: vscode.l10n.t('Paste a key from console.mistral.ai (API Keys). It is checked with the service, then kept in VS Code\'s secret storage.'),
      placeHolder: vscode.l10n.t('API key'),
      password: true,
      ignoreFocusOut: true,
      validateInput: apiKeyInputProblem,
    });
    if (key === undefined) return false;
  }
  const problem = apiKeyInputProblem(key ?? '');
  if (problem !== undefined) {
    void vscode.window.showErrorMessage(problem);
    return false;
  }
  const candidate = (key ?? '').trim();
  const check = await checkKey(deps, candidate);
  if (!check.ok) {
    if (isAbortError(check.error)) return false;
    const reason = errorMessage(check.error);
    if (check.rejected) {
      deps.log.warn(`The service rejected the API key that was entered (${reason}); it was not stored.`);
      void tellRejected(reason, interactive);
      return false;
    }
    deps.log.warn(`Could not check the API key: ${check.error instanceof MistralApiError ? check.error.describe() : reason}`);
    // Offline or a proxy problem: a person may still want the key kept; a scripted caller gets a clear refusal.
    if (!interactive) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not check the API key, so it was not saved: {0}', reason));
      return false;
    }
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Could not check the API key with the service: {0}', reason),
      { modal: true, detail: vscode.l10n.t('Save it anyway? It will be used as soon as the service can be reached.') },
      saveAnyway,
    );
    if (answer !== saveAnyway) return false;
  }
  await deps.keyStore.set(candidate);
  deps.log.info('API key stored in secret storage.');
  void vscode.window.showInformationMessage(vscode.l10n.t('Mistral API key saved in VS Code\'s secret storage.'));
  return true;
}

async function tellRejected(reason: string, interactive: boolean): Promise<void> {
  const tryAgain = vscode.l10n.t('Enter Another Key');
  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t('The service rejected this API key ({0}). It was not saved.', reason),
    ...(interactive ? [tryAgain] : []),
  );
  if (choice === tryAgain) await vscode.commands.executeCommand('mistral.setApiKey');
}

export function registerSetApiKey(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.setApiKey', (arg?: unknown) => setApiKey(deps, arg));
}
