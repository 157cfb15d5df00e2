import * as vscode from 'vscode';
import type { Deps } from '../../deps';
import { purposeFromArg } from '../../shared/purposes';

/**
 * `mistral.refresh(purpose?)`: the view title reloads everything (VS Code passes the selected row to view-title
 * commands, which must not narrow the reload); a purpose string (other extensions, tests) reloads that group.
 * `mistral.refreshGroup(groupNode)`: a group's context menu reloads that group. Both resolve once the reload has
 * finished, so callers and tests can wait for it.
 */
export function registerRefresh(deps: Deps): vscode.Disposable {
  const reload = async (purpose: string | undefined): Promise<void> => {
    deps.files.refresh(purpose);
    await deps.files.whenLoaded(purpose);
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mistral.refresh', (arg?: unknown) => reload(typeof arg === 'string' ? purposeFromArg(arg) : undefined)),
    vscode.commands.registerCommand('mistral.refreshGroup', (arg?: unknown) => reload(purposeFromArg(arg))),
  );
}
