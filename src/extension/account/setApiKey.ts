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
async function checkKey(deps: Deps, key: string, signal?: AbortSignal): Promise<KeyCheck> {
  const client = deps.client.withKey(key);
  try {
    if (signal) await client.files.list({ pageSize: 1 }, { signal });
    else {
      await withCancellableProgress({ title: vscode.l10n.t('Checking the API key with {0}…', hostOf(deps.settings.baseUrl)) }, (abort) =>
        client.files.list({ pageSize: 1 }, { signal: abort }),
      );
    }
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
/**
 * The password box stays open while the key is checked: a key the service rejects is reported in the box itself
 * (its validation message) so the user pastes another without starting over. Resolves with a key the service
 * accepted, or one it could not be asked about (with that check), or undefined when the box was dismissed.
 */
function askAndCheckKey(deps: Deps): Promise<{ key: string; check: KeyCheck } | undefined> {
  const box = vscode.window.createInputBox();
  box.title = vscode.l10n.t('Mistral: Set API Key');
  box.prompt = vscode.l10n.t('Paste a key from console.mistral.ai (API Keys). It is checked with the service, then kept in VS Code\'s secret storage.');
  box.placeholder = vscode.l10n.t('API key');
  box.password = true;
  box.ignoreFocusOut = true;
  let checking: AbortController | undefined;
  return new Promise((resolve) => {
    let result: { key: string; check: KeyCheck } | undefined;
    const disposables = [
      box.onDidChangeValue((value) => {
        box.validationMessage = value === '' ? undefined : apiKeyInputProblem(value);
      }),
      box.onDidAccept(async () => {
        if (checking) return;
        const problem = apiKeyInputProblem(box.value);
        if (problem !== undefined) {
          box.validationMessage = problem;
          return;
        }
        const key = box.value.trim();
        const controller = new AbortController();
        checking = controller;
        box.busy = true;
        box.enabled = false;
        box.validationMessage = undefined;
        box.prompt = vscode.l10n.t('Checking the API key with {0}…', hostOf(deps.settings.baseUrl));
        const check = await checkKey(deps, key, controller.signal);
        checking = undefined;
        if (controller.signal.aborted) return;
        box.busy = false;
        box.enabled = true;
        if (!check.ok && check.rejected) {
          deps.log.warn(`The service rejected the API key that was entered (${errorMessage(check.error)}); it was not stored.`);
          box.prompt = vscode.l10n.t('Paste a key from console.mistral.ai (API Keys).');
          box.validationMessage = vscode.l10n.t('The service rejected this key ({0}). It was not saved; paste another key.', errorMessage(check.error));
          return;
        }
        result = { key, check };
        box.hide();
      }),
      box.onDidHide(() => {
        checking?.abort();
        disposables.forEach((d) => d.dispose());
        box.dispose();
        resolve(result);
      }),
    ];
    box.show();
  });
}

async function setApiKey(deps: Deps, arg: unknown): Promise<boolean> {
  const interactive = typeof arg !== 'string';
  let candidate: string;
  let check: KeyCheck;
  if (interactive) {
    const answer = await askAndCheckKey(deps);
    if (answer === undefined) return false;
    ({ key: candidate, check } = answer);
  } else {
    const problem = apiKeyInputProblem(arg as string);
    if (problem !== undefined) {
      void vscode.window.showErrorMessage(problem);
      return false;
    }
    candidate = (arg as string).trim();
    check = await checkKey(deps, candidate);
  }
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
