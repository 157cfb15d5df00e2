import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { registerCompareResults } from './compareResults';
import { registerResultsEditor } from './resultsEditor';
import { registerViewResults } from './viewResults';

/** The Batch Results viewer (custom editor `mistral.batchResults`), `mistral.batch.viewResults` and `mistral.batch.compareResults`. */
export function registerBatchResults(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(registerResultsEditor(deps), registerViewResults(deps), registerCompareResults(deps));
}
