import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';

export function registerShowLog(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.showLog', () => deps.log.show(true));
}
