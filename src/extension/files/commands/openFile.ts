import * as vscode from 'vscode';
import { isNotFound } from '../../shared/args';
import type { MistralFile } from '../../../api/files/types';
import { formatBytes } from '../../../util/format';
import { isPdf, previewKind } from '../../../util/previewKind';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { filesOrIdsFromArgs } from '../../shared/fileArgs';
import { RESULTS_VIEW_TYPE } from '../../results/resultsEditor';
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
 * A PDF, audio file, office document or archive would open as raw bytes: say so and offer what works instead —
 * the signed URL in the browser (which renders PDFs, images and audio) or a download. Not awaited: the command ends.
 */
function offerInsteadOfPreview(deps: Deps, file: MistralFile): void {
  const browser = vscode.l10n.t('Open in Browser');
  const download = vscode.l10n.t('Download…');
  const ocr = vscode.l10n.t('Run OCR');
  // Mistral's OCR reads these into Markdown, which VS Code does show.
  const ocrable = /\.(pdf|docx|pptx|tiff?|heic|avif)$/i.test(file.filename);
  const message = isPdf(file.filename, file.mimetype)
    ? vscode.l10n.t('"{0}" is a PDF, which VS Code cannot show. Read it with OCR, open it in the browser (a signed link valid for 1 hour) or download it?', file.filename)
    : vscode.l10n.t('"{0}" is not a text file, so VS Code cannot show it. Open it in the browser (a signed link valid for 1 hour) or download it?', file.filename);
  void vscode.window.showInformationMessage(message, ...(ocrable ? [ocr] : []), browser, download).then(async (answer) => {
    if (answer === ocr) await vscode.commands.executeCommand('mistral.runOcr', file);
    if (answer === download) await vscode.commands.executeCommand('mistral.download', file);
    if (answer !== browser) return;
    try {
      const { url } = await deps.client.files.getSignedUrl(file.id, 1);
      await vscode.env.openExternal(vscode.Uri.parse(url, true));
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Could not open "{0}" in the browser', file.filename));
    }
  });
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
  if (previewKind(file.filename, file.mimetype) === 'binary') {
    offerInsteadOfPreview(deps, file);
    return undefined;
  }
  // A job's output and error files open in the Batch Results viewer, joined with their requests; it pages through
  // files of any size, so the preview size question does not apply.
  if (file.sample_type === 'batch_result' || file.sample_type === 'batch_error') {
    await vscode.commands.executeCommand('vscode.openWith', uri, RESULTS_VIEW_TYPE, { preview });
    return uri;
  }
  const limitMB = deps.settings.previewMaxSizeMB;
  if (file.bytes !== null && file.bytes > limitMB * 1_000_000) {
    const choice = await confirmLarge(file.filename, file.bytes, limitMB);
    if (choice === 'download') await vscode.commands.executeCommand('mistral.download', file);
    if (choice !== 'open') return undefined;
  }
  // A click in the tree previews the file and leaves the keyboard in the tree, as the Explorer does: arrows, Delete
  // and Ctrl+C still act on the files. Opening several pins them and goes to the editor.
  await vscode.commands.executeCommand('vscode.open', uri, { preview, preserveFocus: preview });
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
