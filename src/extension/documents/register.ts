import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { registerRunOcr } from './commands/runOcr';
import { registerTranscribe } from './commands/transcribe';
import { ResultDocuments } from './resultDocuments';

/** Run OCR and Transcribe, and the read-only documents their unsaved results open in. */
export function registerDocumentCommands(deps: Deps): vscode.Disposable {
  const results = new ResultDocuments();
  return vscode.Disposable.from(results, registerRunOcr(deps, results), registerTranscribe(deps, results));
}
