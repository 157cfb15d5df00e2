import * as vscode from 'vscode';

// Placeholder composition root; replaced by the extension issue's work.
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Mistral Files', { log: true });
  context.subscriptions.push(log, vscode.commands.registerCommand('mistral.showLog', () => log.show()));
}

export function deactivate(): void {}
