/**
 * How the extension tells the user what is happening and what went wrong: cancellable progress wired to an
 * AbortSignal, percent progress over bytes, and short messages with *Show Log* (and *Retry* where the action can be
 * repeated) while the full detail goes to the log (the pattern of vscode-python-environments' errors/utils.ts).
 */
import * as vscode from 'vscode';
import { displayText } from '../../util/displayText';
import { MistralApiError, asError, errorMessage, isAbortError, isKeyRejection } from '../../api/core/errors';
import { formatBytes } from '../../util/format';

export type ProgressSink = vscode.Progress<{ message?: string; increment?: number }>;

/**
 * Runs `task` under a cancellable progress notification (or another location) whose Cancel button aborts the
 * AbortSignal handed to the task, so API calls stop at once. The cancellation listener is disposed when the task ends.
 */
export async function withCancellableProgress<T>(
  options: { title: string; location?: vscode.ProgressLocation },
  task: (signal: AbortSignal, progress: ProgressSink) => Promise<T>,
): Promise<T> {
  return vscode.window.withProgress(
    { location: options.location ?? vscode.ProgressLocation.Notification, title: options.title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        if (token.isCancellationRequested) controller.abort();
        return await task(controller.signal, progress);
      } finally {
        subscription.dispose();
      }
    },
  );
}

/**
 * Turns "n of total done" into the increments VS Code's progress bar wants, reporting only when the whole percent
 * moves (a 500 MB transfer calls back thousands of times) and never backwards (a retried transfer starts over at 0).
 */
export class PercentProgress {
  private reported = 0;

  constructor(private readonly progress: ProgressSink, private readonly total: number) {}

  /** `message` may use the percent, e.g. (p) => `${p}%`. */
  report(done: number, message?: (percent: number) => string | undefined): void {
    const percent = this.total > 0 ? Math.min(100, Math.floor((done * 100) / this.total)) : 0;
    if (percent <= this.reported) return;
    this.progress.report({ increment: percent - this.reported, message: message?.(percent) });
    this.reported = percent;
  }
}

/** A transfer's progress: "37% of 512 MB", or the bytes so far ("12 MB") while the size is unknown. */
export class ByteProgress {
  private percent: PercentProgress | undefined;
  private lastMessage = '';

  constructor(private readonly progress: ProgressSink) {}

  report(transferred: number, total: number | undefined): void {
    if (total !== undefined && total > 0) {
      this.percent ??= new PercentProgress(this.progress, total);
      this.percent.report(transferred, (p) => vscode.l10n.t('{0}% of {1}', p, formatBytes(total)));
      return;
    }
    const message = formatBytes(transferred);
    if (message === this.lastMessage) return;
    this.lastMessage = message;
    this.progress.report({ message });
  }
}

export interface ErrorActions {
  /** Offered as *Retry* when the failed action can simply be run again. */
  retry?: () => unknown;
  /** The retry button's label when *Retry* alone would not say what is repeated (e.g. *Retry Failed*). */
  retryLabel?: string;
  /** Further buttons before *Show Log*, e.g. *Open Results* after a run that partly succeeded. */
  more?: ReadonlyArray<{ title: string; run: () => unknown }>;
}

/**
 * Shows a short error with *Show Log* (and *Retry* when given) and writes the full detail to the log. Cancellations
 * are logged, not shown. `what` says what failed, e.g. l10n.t('Upload of {0} failed', name).
 */
export async function showError(log: vscode.LogOutputChannel, err: unknown, what: string, actions: ErrorActions = {}): Promise<void> {
  if (isAbortError(err)) {
    log.info(`${what}: cancelled`);
    return;
  }
  log.error(`${what}: ${err instanceof MistralApiError ? err.describe() : (asError(err).stack ?? errorMessage(err))}`);
  // A rejected key is fixed by setting another one, so that is offered first.
  await showMessageWithLog(log, 'error', displayText(`${what}: ${errorMessage(err)}`), { ...actions, setKey: isKeyRejection(err) });
}

/**
 * The end of a run over several items ("2 of 5 downloads failed: …"): the message with *Show Log* and, when given,
 * *Retry*. The caller has logged each failure.
 */
export async function showRunSummary(
  log: vscode.LogOutputChannel,
  severity: 'error' | 'warning' | 'info',
  message: string,
  actions: ErrorActions = {},
): Promise<void> {
  await showMessageWithLog(log, severity, message, actions);
}

async function showMessageWithLog(
  log: vscode.LogOutputChannel,
  severity: 'error' | 'warning' | 'info',
  message: string,
  actions: ErrorActions & { setKey?: boolean },
): Promise<void> {
  const showLog = vscode.l10n.t('Show Log');
  const retry = actions.retryLabel ?? vscode.l10n.t('Retry');
  const setKey = vscode.l10n.t('Set API Key');
  const more = actions.more ?? [];
  const items = [...(actions.setKey ? [setKey] : []), ...(actions.retry ? [retry] : []), ...more.map((action) => action.title), showLog];
  const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(message, ...items);
  if (choice === showLog) log.show(true);
  else if (choice === setKey) await vscode.commands.executeCommand('mistral.setApiKey');
  else if (choice === retry) await actions.retry?.();
  else await more.find((action) => action.title === choice)?.run();
}
