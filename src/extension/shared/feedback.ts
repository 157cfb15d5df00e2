import * as vscode from 'vscode';

/**
 * Runs `task` under a cancellable progress notification (or another location) whose Cancel button aborts the
 * AbortSignal handed to the task, so API calls stop at once. The cancellation listener is disposed when the task ends.
 */
export async function withCancellableProgress<T>(
  options: { title: string; location?: vscode.ProgressLocation },
  task: (signal: AbortSignal, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>,
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
