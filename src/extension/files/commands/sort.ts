import * as vscode from 'vscode';
import { errorMessage } from '../../../api/core/errors';
import type { Deps } from '../../deps';
import { showError, withCancellableProgress } from '../../shared/feedback';
import { purposeFromArg, purposeLabel } from '../../shared/purposes';
import { isFileSortOrder, type FileSortOrder } from '../tree/sortOrder';

/** Groups up to this many files offer "load all first": beyond it, paging everything in costs more than it helps. */
export const LOAD_ALL_LIMIT = 2000;

/** `mistral.sortFiles(order?, { loadAll? })` / `mistral.sortGroup(group, order?, { loadAll? })` without UI. */
export interface SortCommandOptions {
  /** Load every remaining page of the affected groups first (only groups within LOAD_ALL_LIMIT). */
  loadAll?: boolean;
}

interface SortItem extends vscode.QuickPickItem {
  order: FileSortOrder;
  loadAll: boolean;
}

function orderLabel(order: FileSortOrder): string {
  switch (order) {
    case 'date':
      return vscode.l10n.t('Date (newest first)');
    case 'name':
      return vscode.l10n.t('Name (A to Z)');
    case 'size':
      return vscode.l10n.t('Size (largest first)');
  }
}

/** The groups that have pages left to load, split by whether loading them all is reasonable. */
function unloaded(deps: Deps, purposes: readonly string[]): { small: string[]; large: string[]; files: number } {
  const small: string[] = [];
  const large: string[] = [];
  let files = 0;
  for (const purpose of purposes) {
    const status = deps.files.groupStatus(purpose);
    if (!status?.hasMore) continue;
    if (status.total !== undefined && status.total <= LOAD_ALL_LIMIT) {
      small.push(purpose);
      files += status.total;
    } else {
      large.push(purpose);
    }
  }
  return { small, large, files };
}

async function pickOrder(deps: Deps, purposes: readonly string[], current: FileSortOrder, title: string): Promise<SortItem | undefined> {
  const pending = unloaded(deps, purposes);
  const items: SortItem[] = [];
  for (const order of ['date', 'name', 'size'] as const) {
    const partial = order !== 'date' && pending.small.length + pending.large.length > 0;
    items.push({
      label: orderLabel(order),
      description: order === current ? vscode.l10n.t('current') : undefined,
      detail:
        order === 'date'
          ? vscode.l10n.t('The order the service lists files in; holds across every page.')
          : partial
            ? vscode.l10n.t('Sorts the files loaded so far; Load more adds the next page at its place.')
            : undefined,
      order,
      loadAll: false,
    });
    if (partial && pending.small.length > 0) {
      items.push({
        label: vscode.l10n.t('{0}, loading all files first', orderLabel(order)),
        detail: vscode.l10n.t('Loads the remaining pages ({0} files in all), then sorts every file.', pending.files),
        order,
        loadAll: true,
      });
    }
  }
  return vscode.window.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('The service has no sort order: name and size sort the files loaded in the view'),
    ignoreFocusOut: false,
  });
}

async function apply(deps: Deps, order: FileSortOrder, purpose: string | undefined, loadAll: boolean): Promise<void> {
  await deps.files.sort.set(order, purpose);
  if (!loadAll || order === 'date') return;
  const groups = unloaded(deps, purpose === undefined ? deps.files.listedPurposes() : [purpose]).small;
  if (groups.length === 0) return;
  try {
    await withCancellableProgress({ title: vscode.l10n.t('Loading every file to sort'), location: vscode.ProgressLocation.Window }, async (signal) => {
      for (const group of groups) {
        if (signal.aborted) return;
        await deps.files.loadAll(group, signal);
      }
    });
  } catch (err) {
    deps.log.warn(`Loading every file to sort failed: ${errorMessage(err)}`);
    void showError(deps.log, err, vscode.l10n.t('Could not load every file'), {
      retry: () => apply(deps, order, purpose, true),
    });
  }
}

function optionsFrom(value: unknown): SortCommandOptions {
  return typeof value === 'object' && value !== null && 'loadAll' in value ? (value as SortCommandOptions) : {};
}

/**
 * `mistral.sortFiles`: the view title sets one order for every group. `mistral.sortGroup`: a group's context menu
 * sets that group's own. Both are remembered per workspace and resolve once any requested loading has finished.
 */
export function registerSort(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mistral.sortFiles', async (arg?: unknown, options?: unknown) => {
      if (isFileSortOrder(arg)) return apply(deps, arg, undefined, optionsFrom(options).loadAll === true);
      const purposes = deps.files.listedPurposes();
      const current = purposes.length > 0 ? deps.files.sort.get(purposes[0]) : 'date';
      const choice = await pickOrder(deps, purposes, current, vscode.l10n.t('Sort Every Group By'));
      if (choice) await apply(deps, choice.order, undefined, choice.loadAll);
    }),
    vscode.commands.registerCommand('mistral.sortGroup', async (group?: unknown, arg?: unknown, options?: unknown) => {
      const purpose = purposeFromArg(group);
      if (purpose === undefined) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Choose a purpose group in the Mistral view to sort.'));
        return;
      }
      if (isFileSortOrder(arg)) return apply(deps, arg, purpose, optionsFrom(options).loadAll === true);
      const title = vscode.l10n.t('Sort {0} By', purposeLabel(purpose, vscode.l10n));
      const choice = await pickOrder(deps, [purpose], deps.files.sort.get(purpose), title);
      if (choice) await apply(deps, choice.order, purpose, choice.loadAll);
    }),
  );
}
