import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { isKnownPurpose } from '../../shared/purposes';
import type { TreeNode } from './treeItems';

const URI_LIST = 'text/uri-list';

/** Parses a `text/uri-list` payload (RFC 2483: one URI a line, `#` comments). */
export function parseUriList(text: string): vscode.Uri[] {
  const uris: vscode.Uri[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      uris.push(vscode.Uri.parse(trimmed, true));
    } catch {
      // A malformed entry is skipped; the others still upload.
    }
  }
  return uris;
}

/**
 * Files dropped from the Explorer or the operating system onto the view (purpose asked) or onto a group (that purpose)
 * are handed to `mistral.upload`. Tree items carry their `mistral-file:` resourceUri, so dragging one into an editor
 * opens its preview; dropping our own items back onto the view is ignored.
 */
export class FilesDragAndDropController implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dropMimeTypes = [URI_LIST, 'files'];
  readonly dragMimeTypes: string[] = [];

  async handleDrop(target: TreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const uris = await localUris(dataTransfer);
    if (token.isCancellationRequested || uris.length === 0) return;
    const purpose = target && isKnownPurpose(target.purpose) ? target.purpose : undefined;
    const folders: vscode.Uri[] = [];
    const files: vscode.Uri[] = [];
    for (const uri of uris) {
      const isFolder = uri.scheme === 'file' && (await fs.stat(uri.fsPath).then((s) => s.isDirectory(), () => false));
      (isFolder ? folders : files).push(uri);
    }
    // A dropped folder goes through Upload Folder (.gitignore, file types), with any files dropped beside it.
    if (folders.length > 0) await vscode.commands.executeCommand('mistral.uploadFolder', { folders, files, purpose });
    else await vscode.commands.executeCommand('mistral.upload', { uris, purpose });
  }
}

async function localUris(dataTransfer: vscode.DataTransfer): Promise<vscode.Uri[]> {
  const seen = new Map<string, vscode.Uri>();
  const uriList = dataTransfer.get(URI_LIST);
  if (uriList) {
    for (const uri of parseUriList(await uriList.asString())) seen.set(uri.toString(), uri);
  }
  // Files dragged from the operating system may arrive only as file items.
  dataTransfer.forEach((item) => {
    const uri = item.asFile()?.uri;
    if (uri) seen.set(uri.toString(), uri);
  });
  return [...seen.values()].filter((uri) => uri.scheme === 'file' || uri.scheme === 'vscode-remote');
}
