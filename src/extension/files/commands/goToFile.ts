import * as vscode from 'vscode';
import { errorMessage } from '../../../api/core/errors';
import type { MistralFile } from '../../../api/files/types';
import { formatBytes, formatRelativeTime } from '../../../util/format';
import { parseFileReference } from '../../../util/fileReference';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { isNotFound } from '../../shared/args';
import { purposeLabel } from '../../shared/purposes';
import { batchOutputLabel } from '../tree/treeItems';

/** Answers shown per search; a name that matches more is narrowed by typing on. */
const SEARCH_PAGE_SIZE = 50;
/** Paging a group to reach a file stops here (the view's page size × this many files). */
const REVEAL_MAX_PAGES = 1000;
const DEBOUNCE_MS = 200;

interface FileItem extends vscode.QuickPickItem {
  file?: MistralFile;
  /** A pasted id whose file is still being looked up. */
  id?: string;
}

function fileItem(file: MistralFile): FileItem {
  const role = batchOutputLabel(file);
  return {
    label: role ?? (file.filename || file.id),
    description: [role ? file.filename : undefined, purposeLabel(file.purpose, vscode.l10n), formatBytes(file.bytes), formatRelativeTime(file.created_at)]
      .filter(Boolean)
      .join(' · '),
    detail: file.id,
    // The server already matched the name; VS Code's own fuzzy filter must not hide an answer (ids never match it).
    alwaysShow: true,
    file,
  };
}

function idItem(id: string): FileItem {
  return { label: vscode.l10n.t('Go to file ID {0}', id), alwaysShow: true, id };
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** The file an id names, or undefined (said to the user) when the service does not know it. */
async function fileById(deps: Deps, id: string, signal?: AbortSignal): Promise<MistralFile | undefined> {
  try {
    return await deps.client.files.retrieve(id, { signal });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    void vscode.window.showWarningMessage(
      vscode.l10n.t('No file with ID {0} on {1}. It may have been deleted, or belong to another workspace or API key.', id, hostOf(deps.settings.baseUrl)),
    );
    return undefined;
  }
}

/** Reveals the file; when the filter hides it, offers to clear the filter. Resolves with whether it is shown. */
async function revealFile(deps: Deps, file: MistralFile): Promise<boolean> {
  const reveal = (): Promise<boolean> =>
    Promise.resolve(vscode.window.withProgress({ location: { viewId: 'mistral.files' } }, () => deps.files.reveal(file, { maxPages: REVEAL_MAX_PAGES })));
  if (await reveal()) return true;
  if (deps.files.filter.active) {
    const clear = vscode.l10n.t('Clear Filter');
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t('"{0}" is hidden by the current filter.', file.filename),
      clear,
    );
    if (answer !== clear) return false;
    deps.files.filter.clear();
    if (await reveal()) return true;
  }
  void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" is not in the list any more; it may have just been deleted or expired.', file.filename));
  deps.files.refresh(file.purpose);
  return false;
}

/** A typed name or pasted id without UI: the exact name wins over a partial match; newest first among equals. */
async function resolveQuery(deps: Deps, query: string): Promise<MistralFile | undefined> {
  const reference = parseFileReference(query);
  if (reference.kind === 'empty') return undefined;
  if (reference.kind === 'id') return fileById(deps, reference.id);
  const list = await deps.client.files.list({ page: 0, pageSize: SEARCH_PAGE_SIZE, search: reference.text });
  const found = list.data.find((file) => file.filename === reference.text) ?? list.data[0];
  if (!found) void vscode.window.showWarningMessage(vscode.l10n.t('No file name on Mistral contains "{0}".', reference.text));
  return found;
}

function pickFile(deps: Deps): Promise<MistralFile | undefined> {
  const pick = vscode.window.createQuickPick<FileItem>();
  pick.title = vscode.l10n.t('Go to File on Mistral');
  pick.placeholder = vscode.l10n.t('Type part of a file name, or paste a file ID or signed URL');
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  let request: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;

  const update = async (value: string): Promise<void> => {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    const reference = parseFileReference(value);
    pick.busy = true;
    try {
      if (reference.kind === 'id') {
        pick.items = [idItem(reference.id)];
        const file = await deps.client.files.retrieve(reference.id, { signal: controller.signal }).catch((err: unknown) => {
          if (isNotFound(err)) return undefined;
          throw err;
        });
        if (controller.signal.aborted) return;
        pick.items = file
          ? [fileItem(file)]
          : [{ label: vscode.l10n.t('No file with ID {0}', reference.id), detail: vscode.l10n.t('It may have been deleted, or belong to another workspace or API key.'), alwaysShow: true }];
        return;
      }
      const search = reference.kind === 'search' ? reference.text : undefined;
      const list = await deps.client.files.list({ page: 0, pageSize: SEARCH_PAGE_SIZE, search, includeTotal: true }, { signal: controller.signal });
      if (controller.signal.aborted) return;
      const items = list.data.map(fileItem);
      const more = typeof list.total === 'number' ? list.total - list.data.length : 0;
      if (more > 0) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: vscode.l10n.t('{0} more: type more of the name', more), alwaysShow: true });
      if (list.data.length === 0) items.push({ label: search ? vscode.l10n.t('No file name contains "{0}"', search) : vscode.l10n.t('No files'), alwaysShow: true });
      pick.items = items;
    } catch (err) {
      if (controller.signal.aborted) return;
      deps.log.warn(`Go to File: search failed: ${errorMessage(err)}`);
      pick.items = [{ label: vscode.l10n.t('Search failed: {0}', errorMessage(err)), alwaysShow: true }];
    } finally {
      if (request === controller) pick.busy = false;
    }
  };

  return new Promise<MistralFile | undefined>((resolve) => {
    let chosen: Promise<MistralFile | undefined> = Promise.resolve(undefined);
    const disposables = [
      pick.onDidChangeValue((value) => {
        clearTimeout(timer);
        // An answer still on its way is for older text (the list shown on opening, say): it must not replace these rows.
        request?.abort();
        const reference = parseFileReference(value);
        // Until the server answers, the rows already listed narrow to the typed text rather than show stale matches.
        if (reference.kind === 'search') {
          const needle = reference.text.toLowerCase();
          pick.items = pick.items.filter((item) => item.file !== undefined && item.file.filename.toLowerCase().includes(needle));
        } else if (reference.kind === 'id') {
          // At once, so an Enter pressed right after pasting goes to this id, not to the first row listed before.
          pick.items = [idItem(reference.id)];
        }
        // A pasted id answers at once; typing waits for a pause so each keystroke is not a request.
        const delay = parseFileReference(value).kind === 'id' ? 0 : DEBOUNCE_MS;
        timer = setTimeout(() => void update(value), delay);
      }),
      pick.onDidAccept(() => {
        const item = pick.activeItems[0];
        const reference = parseFileReference(pick.value);
        // A pasted id is what the user asked for, whatever row the list showed when Enter came.
        if (reference.kind === 'id') chosen = item?.file?.id === reference.id ? Promise.resolve(item.file) : fileById(deps, reference.id);
        else if (item?.file) chosen = Promise.resolve(item.file);
        else if (item?.id) chosen = fileById(deps, item.id);
        else return;
        pick.hide();
      }),
      pick.onDidHide(() => {
        clearTimeout(timer);
        request?.abort();
        disposables.forEach((d) => d.dispose());
        pick.dispose();
        resolve(chosen);
      }),
    ];
    pick.show();
    void update('');
  });
}

/**
 * `mistral.goToFile(query?)`: finds a file across every purpose by name (the server's `search`) or by a pasted id or
 * signed URL, then reveals and selects it in the Files view, paging its group as far as needed. With a query string
 * (tests, other extensions) nothing is asked. Resolves with the revealed file, or undefined.
 */
export function registerGoToFile(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.goToFile', async (query?: unknown) => {
    try {
      const file = typeof query === 'string' ? await resolveQuery(deps, query) : await pickFile(deps);
      if (!file) return undefined;
      return (await revealFile(deps, file)) ? file : undefined;
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Go to File failed'), {
        retry: () => vscode.commands.executeCommand('mistral.goToFile', query),
      });
      return undefined;
    }
  });
}
