import * as vscode from 'vscode';

/** What the walkthrough's steps wait for; each is the context key `mistral.walkthrough.<fact>` (package.json). */
export type WalkthroughFact = 'keyStored' | 'uploaded' | 'validated';

/** Facts that outlive the window: the key is read from the key store each time instead. */
const REMEMBERED: readonly WalkthroughFact[] = ['uploaded', 'validated'];

/** Past this, a walkthrough VS Code began registering at our activation is registered (it waits up to 5 s). */
const REGISTRATION_MS = 8000;
/** Tab changes come in bursts (an editor replacing another); one pulse after the burst is enough. */
const TAB_SETTLE_MS = 300;

export interface WalkthroughRecorder {
  /** Something the walkthrough teaches was done: its step is ticked, now or when the walkthrough next opens. */
  record(fact: WalkthroughFact): void;
}

function contextKey(fact: WalkthroughFact): string {
  return `mistral.walkthrough.${fact}`;
}

/**
 * Ticks the walkthrough's steps for what the user has done, whenever VS Code is able to see it. VS Code (1.99) ticks
 * an `onContext` step only when its context *becomes* true after the walkthrough was registered: a context already
 * true at registration counts as seen and never ticks. And walkthroughs are registered lazily (when the Welcome page or
 * a walkthrough is first opened, up to 5 s later still), so a context set at startup or before the walkthrough was
 * first opened would leave the step unticked for the whole window — "Set your API key" with a key stored, for one.
 * So each step's context key stays false and is *pulsed* (true, then false) for every fact that holds: soon after
 * activation, and after each change of editor tabs, which is how a walkthrough appears. A ticked step stays ticked
 * (VS Code remembers it); pulses after that change nothing.
 */
export class WalkthroughProgress implements WalkthroughRecorder, vscode.Disposable {
  private readonly facts = new Set<WalkthroughFact>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pulsing: Promise<void> = Promise.resolve();

  constructor(private readonly memento: vscode.Memento, onDidChangeHasKey: vscode.Event<boolean>) {
    for (const fact of REMEMBERED) if (memento.get<boolean>(contextKey(fact))) this.facts.add(fact);
    this.disposables.push(
      onDidChangeHasKey((hasKey) => {
        if (hasKey) this.record('keyStored');
        else this.facts.delete('keyStored');
      }),
      vscode.window.tabGroups.onDidChangeTabs(() => this.schedulePulse(TAB_SETTLE_MS)),
    );
    this.schedulePulse(REGISTRATION_MS);
  }

  record(fact: WalkthroughFact): void {
    const isNew = !this.facts.has(fact);
    this.facts.add(fact);
    if (isNew && REMEMBERED.includes(fact)) void this.memento.update(contextKey(fact), true);
    this.schedulePulse(0);
  }

  private schedulePulse(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pulsing = this.pulsing.then(() => this.pulse());
    }, delayMs);
  }

  private async pulse(): Promise<void> {
    for (const fact of this.facts) {
      await vscode.commands.executeCommand('setContext', contextKey(fact), true);
      await vscode.commands.executeCommand('setContext', contextKey(fact), false);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
