/**
 * Read-only documents for results that are not saved (`mistral-result:` URIs): the Markdown of an OCR or a transcript
 * of a remote file, shown in an editor and its preview without writing anything to disk. The text lives in memory
 * until the window closes; a result is replaced when the same file is read again.
 */
import * as vscode from 'vscode';

export const RESULT_SCHEME = 'mistral-result';

export class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, this);

  /** A URI whose document shows `text`; `key` (a file id and what was made of it) keeps one URI per result. */
  put(key: string, fileName: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${encodeURIComponent(key)}/${fileName}` });
    const known = this.contents.has(uri.toString());
    this.contents.set(uri.toString(), text);
    if (known) this.changes.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? vscode.l10n.t('This result is no longer in memory: run the command again.');
  }

  dispose(): void {
    this.registration.dispose();
    this.changes.dispose();
    this.contents.clear();
  }
}
