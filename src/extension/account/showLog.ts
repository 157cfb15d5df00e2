import * as vscode from 'vscode';
import type { Deps } from '../deps';

export function registerShowLog(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.showLog', () => deps.log.show(true));
}
