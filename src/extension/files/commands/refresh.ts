import * as vscode from 'vscode';
import type { Deps } from '../../deps';
import { purposeFromArg } from '../../shared/purposes';

/**
 * `mistral.refresh(purpose?)`: the view title reloads everything, a group's context menu (or a purpose string) only
 * that group. Resolves once the reload has finished, so callers and tests can wait for it.
 */
export function registerRefresh(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.refresh', async (arg?: unknown) => {
    const purpose = purposeFromArg(arg);
    deps.files.refresh(purpose);
    await deps.files.whenLoaded(purpose);
  });
}
