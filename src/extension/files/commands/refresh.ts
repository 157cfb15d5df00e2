import * as vscode from 'vscode';
import type { CoreDeps } from '../coreDeps';

/**
 * `mistral.refresh(purpose?)`: the view title reloads everything, a group's context menu (or a purpose string) only
 * that group. Resolves once the reload has finished, so callers and tests can wait for it.
 */
export function registerRefresh(deps: CoreDeps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.refresh', async (arg?: unknown) => {
    const purpose =
      typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { purpose?: unknown }).purpose === 'string'
        ? (arg as { purpose: string }).purpose
        : undefined;
    deps.tree.refresh(purpose);
    if (purpose !== undefined) await deps.tree.model.group(purpose)?.loading;
    await deps.tree.whenLoaded();
  });
}
