import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { registerResultsEditor } from './resultsEditor';
import { registerViewResults } from './viewResults';

/** The Batch Results viewer (custom editor `mistral.batchResults`) and `mistral.batch.viewResults`. */
export function registerBatchResults(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(registerResultsEditor(deps), registerViewResults(deps));
}
