import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { ResultsPanel } from './resultsPanel';

/** `vscode.openWith(uri, RESULTS_VIEW_TYPE)` opens a batch output or error file (local or `mistral-file:`) here. */
export const RESULTS_VIEW_TYPE = 'mistral.batchResults';

/**
 * The Batch Results viewer: read-only, so a document is just its URI; each editor builds its own table, which the
 * panel closes (and its staged files go) when the tab closes.
 */
class ResultsEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly deps: Deps) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    new ResultsPanel(this.deps, document.uri, panel);
  }
}

export function registerResultsEditor(deps: Deps): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(RESULTS_VIEW_TYPE, new ResultsEditorProvider(deps), {
    supportsMultipleEditorsPerDocument: true,
  });
}
