import * as vscode from 'vscode';

/** The context key the walkthrough's "Set your API key" step completes on (package.json, completionEvents). */
export const WALKTHROUGH_KEY_CONTEXT = 'mistral.walkthrough.keyStored';

/**
 * VS Code registers walkthroughs up to 5 s after it knows the extensions (it waits that long for its experiment
 * service); this extension activates at startup and reads the key at once. Past this delay the walkthrough is there.
 */
const WALKTHROUGH_REGISTRATION_MS = 8000;

/**
 * Keeps the walkthrough's key step ticked whenever a key is stored. VS Code ticks an `onContext` step only when the
 * context *becomes* true after the walkthrough was registered: a context already true at registration counts as seen
 * and never ticks, so `mistral.hasApiKey` (set within a second of startup, for the menus) would leave the step
 * unticked in every window where a key was already stored. The step's own key follows `mistral.hasApiKey`, but turns
 * true no earlier than the walkthrough's registration.
 */
export function trackWalkthroughKeyStep(onDidChangeHasKey: vscode.Event<boolean>, registrationMs = WALKTHROUGH_REGISTRATION_MS): vscode.Disposable {
  const notBefore = Date.now() + registrationMs;
  let latest = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const publish = (hasKey: boolean): void => void vscode.commands.executeCommand('setContext', WALKTHROUGH_KEY_CONTEXT, hasKey);
  const subscription = onDidChangeHasKey((hasKey) => {
    latest = hasKey;
    // A pending publish sends whatever is latest when it fires.
    if (timer) return;
    const wait = notBefore - Date.now();
    if (!hasKey || wait <= 0) {
      publish(hasKey);
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      publish(latest);
    }, wait);
  });
  return {
    dispose: () => {
      subscription.dispose();
      if (timer) clearTimeout(timer);
    },
  };
}
