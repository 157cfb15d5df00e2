import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { registerCompareResults } from './compareResults';
import { registerConversations } from './conversationsEditor';
import { registerNewBatchFile } from './newBatchFile';
import { registerResultsEditor } from './resultsEditor';
import { registerViewResults } from './viewResults';

/** The Batch Results viewer (custom editor `mistral.batchResults`), `mistral.batch.viewResults` and `mistral.batch.compareResults`; the Conversations editor and `mistral.openAsConversations`; `mistral.batch.newBatchFile`. */
export function registerBatchResults(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(registerResultsEditor(deps), registerViewResults(deps), registerCompareResults(deps), registerConversations(deps), registerNewBatchFile(deps));
}
