/** What the Convert and Split commands share: which file to work on, and the report document. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toUri, urisFromArgs } from '../shared/args';

/**
 * The local file a command works on: the one passed (Explorer, editor title or context menu, a test), else the
 * active editor's, else one picked. A file with unsaved changes is saved first when the user agrees, since the
 * command reads what is on disk. Undefined when the user backs out.
 */
export async function pickLocalFile(first: unknown, second: unknown, explicit: vscode.Uri | string | undefined, title: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
  let uri: vscode.Uri | undefined = explicit !== undefined ? toUri(explicit) : urisFromArgs(first, second)[0];
  uri ??= vscode.window.activeTextEditor?.document.uri.scheme === 'file' ? vscode.window.activeTextEditor.document.uri : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, canSelectFiles: true, canSelectFolders: false, title, openLabel: title, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, filters });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" is not a file on this computer; save it locally first.', path.basename(uri.path)));
    return undefined;
  }
  const key = uri.toString();
  const dirty = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && d.isDirty);
  if (dirty) {
    const save = vscode.l10n.t('Save and Continue');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('"{0}" has unsaved changes. The file on disk is used.', path.basename(uri.path)), { modal: true }, save);
    if (answer !== save || !(await dirty.save())) return undefined;
  }
  return uri;
}

/** Opens a report (Markdown) in an untitled editor beside the current one. */
export async function showReport(markdown: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
