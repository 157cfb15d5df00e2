import * as vscode from 'vscode';
import { isNotFound } from '../../shared/args';
import type { MistralFile } from '../../../api/files/types';
import { formatBytes } from '../../../util/format';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { filesOrIdsFromArgs } from '../../shared/fileArgs';
import { previewUri } from '../preview/previewUri';

/** More than this many files at once asks first: each one is a request and an editor tab. */
const MANY_FILES = 10;

async function confirmLarge(name: string, bytes: number, limitMB: number): Promise<'open' | 'download' | undefined> {
  const open = vscode.l10n.t('Open Anyway');
  const download = vscode.l10n.t('Download…');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('"{0}" is {1}. Open it in a preview tab?', name, formatBytes(bytes)),
    {
      modal: true,
      detail: vscode.l10n.t('Previews are read into memory; files above {0} MB ask first (setting mistral.preview.maxSizeMB).', limitMB),
    },
    open,
    download,
  );
  return answer === open ? 'open' : answer === download ? 'download' : undefined;
}

/**
 * Opens one file: its metadata comes through the preview file system (fresh size, and a clear message when the file
 * was deleted meanwhile), then VS Code opens `mistral-file:/<id>/<name>` in the editor that fits the name.
 */
async function openOne(deps: Deps, target: MistralFile | string, preview: boolean): Promise<vscode.Uri | undefined> {
  const id = typeof target === 'string' ? target : target.id;
  let uri = typeof target === 'string' ? undefined : previewUri(target);
  let file: MistralFile;
  try {
    file = typeof target === 'string' ? await deps.client.files.retrieve(id) : target;
    uri ??= previewUri(file);
    const stat = await deps.previews.stat(uri);
    file = { ...file, bytes: stat.size };
  } catch (err) {
    const gone = (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') || isNotFound(err);
    if (gone) {
      const name = typeof target === 'string' ? id : target.filename;
      void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" no longer exists on Mistral; it was deleted. The list has been refreshed.', name));
      deps.files.refresh(typeof target === 'string' ? undefined : target.purpose);
    } else {
      void showError(deps.log, err, vscode.l10n.t('Opening {0} failed', typeof target === 'string' ? id : target.filename), {
        retry: () => vscode.commands.executeCommand('mistral.openFile', target),
      });
    }
    return undefined;
  }
  const limitMB = deps.settings.previewMaxSizeMB;
  if (file.bytes !== null && file.bytes > limitMB * 1_000_000) {
    const choice = await confirmLarge(file.filename, file.bytes, limitMB);
    if (choice === 'download') await vscode.commands.executeCommand('mistral.download', file);
    if (choice !== 'open') return undefined;
  }
  await vscode.commands.executeCommand('vscode.open', uri, { preview });
  return uri;
}

/**
 * `mistral.openFile(node | file | id, selected?)`: a click on a tree item, its context menu (the whole selection), or a
 * caller with ids. Resolves with the opened preview URIs.
 */
export function registerOpenFile(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.openFile', async (first?: unknown, second?: unknown) => {
    let targets = filesOrIdsFromArgs(first, second);
    if (targets.length === 0) targets = deps.files.selectedFiles();
    if (targets.length === 0) return [];
    if (targets.length > MANY_FILES) {
      const open = vscode.l10n.t('Open {0} Files', targets.length);
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Open {0} files in preview tabs?', targets.length), { modal: true }, open);
      if (answer !== open) return [];
    }
    const opened: vscode.Uri[] = [];
    for (const target of targets) {
      const uri = await openOne(deps, target, targets.length === 1);
      if (uri) opened.push(uri);
    }
    return opened;
  });
}
