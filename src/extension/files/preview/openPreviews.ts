import * as vscode from 'vscode';
import type { PreviewFileSystemProvider } from './previewFileSystem';
import { PREVIEW_SCHEME, fileIdOfPreviewUri } from './previewUri';

/** The `mistral-file:` URIs of every open tab (text editors, image previews, other custom editors). */
export function openPreviewUris(): vscode.Uri[] {
  const uris = new Map<string, vscode.Uri>();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
      if (uri?.scheme === PREVIEW_SCHEME) uris.set(uri.toString(), uri);
    }
  }
  return [...uris.values()];
}

/**
 * When the tree reloads and an open preview's file is no longer listed, asks the service whether it was deleted
 * (by a delete here, in another window or elsewhere) and, if so, tells VS Code so the tab shows it as deleted.
 * `isListed` answers true whenever the list cannot tell (not loaded yet), so nothing is asked then.
 */
export function watchDeletedPreviews(
  provider: PreviewFileSystemProvider,
  onTreeChanged: vscode.Event<unknown>,
  isListed: (fileId: string) => boolean,
): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const subscription = onTreeChanged(() => {
    clearTimeout(timer);
    // Reloads come in bursts (one event per group); one check after the burst is enough.
    timer = setTimeout(() => {
      const unlisted = openPreviewUris().filter((uri) => {
        const id = fileIdOfPreviewUri(uri);
        return id !== undefined && !isListed(id);
      });
      if (unlisted.length > 0) void provider.reportDeleted(unlisted);
    }, 300);
  });
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    subscription.dispose();
  });
}
