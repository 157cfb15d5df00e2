import * as vscode from 'vscode';
import type { MistralFile } from '../../../api/files/types';
import type { Deps } from '../../deps';
import { formatBytes, formatRelativeTime } from '../../../util/format';
import { showError } from '../../shared/feedback';

interface FileItem extends vscode.QuickPickItem {
  file: MistralFile;
}

const PICK_PAGE_SIZE = 100;

/**
 * The files a palette command acts on: the tree's selection when there is one, else a QuickPick over the remote files
 * (typing searches file names on the server, so files beyond the first page are reachable). Empty when dismissed.
 */
export async function selectedOrPickedFiles(
  deps: Deps,
  options: { canPickMany: boolean; title: string },
): Promise<MistralFile[]> {
  const selected = deps.files.selectedFiles();
  if (selected.length > 0) return options.canPickMany ? selected : selected.slice(0, 1);
  return pickRemoteFiles(deps, options);
}

async function pickRemoteFiles(deps: Deps, options: { canPickMany: boolean; title: string }): Promise<MistralFile[]> {
  const pick = vscode.window.createQuickPick<FileItem>();
  pick.title = options.title;
  pick.canSelectMany = options.canPickMany;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.placeholder = vscode.l10n.t('Type to search file names');
  let request: AbortController | undefined;
  let searchTimer: NodeJS.Timeout | undefined;

  const load = async (search: string): Promise<void> => {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    pick.busy = true;
    try {
      const list = await deps.client.files.list(
        { page: 0, pageSize: PICK_PAGE_SIZE, search: search || undefined },
        { signal: controller.signal },
      );
      if (controller.signal.aborted) return;
      const chosen = new Set(pick.selectedItems.map((item) => item.file.id));
      pick.items = list.data.map(toItem);
      if (options.canPickMany) pick.selectedItems = pick.items.filter((item) => chosen.has(item.file.id));
      if (list.data.length === 0) pick.placeholder = vscode.l10n.t('No files match');
    } catch (err) {
      if (!controller.signal.aborted) {
        pick.hide();
        void showError(deps.log, err, vscode.l10n.t('Could not list files'));
      }
    } finally {
      if (request === controller) pick.busy = false;
    }
  };

  return new Promise<MistralFile[]>((resolve) => {
    let result: MistralFile[] = [];
    const disposables: vscode.Disposable[] = [
      pick.onDidChangeValue((value) => {
        clearTimeout(searchTimer);
        searchTimer = setTimeout(() => void load(value.trim()), 250);
      }),
      pick.onDidAccept(() => {
        result = options.canPickMany ? pick.selectedItems.map((item) => item.file) : pick.activeItems.map((item) => item.file);
        pick.hide();
      }),
      pick.onDidHide(() => {
        clearTimeout(searchTimer);
        request?.abort();
        disposables.forEach((d) => d.dispose());
        pick.dispose();
        resolve(result);
      }),
    ];
    pick.show();
    void load('');
  });
}

function toItem(file: MistralFile): FileItem {
  return {
    label: file.filename || file.id,
    description: `${file.purpose} · ${formatBytes(file.bytes)} · ${formatRelativeTime(file.created_at)}`,
    detail: file.id,
    file,
  };
}
