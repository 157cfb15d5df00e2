import type * as vscode from 'vscode';
import type { ValidationResult } from '../../validation/types';
import type { ExtensionDeps } from '../deps';
import { toVsDiagnostics } from './diagnostics';

/**
 * Two collections describe the same files: live validation ("mistral-jsonl", the open text) and the Validate /
 * pre-upload runs (`deps.diagnostics`, the file on disk). The most recent run wins, so the Problems panel never lists
 * one mistake twice: publishing into one collection drops the uri from the other.
 */
let liveCollection: vscode.DiagnosticCollection | undefined;

export function registerLiveCollection(collection: vscode.DiagnosticCollection | undefined): void {
  liveCollection = collection;
}

/** Results of "Validate JSONL File" or of the check before an upload. */
export function publishCommandResult(deps: Pick<ExtensionDeps, 'diagnostics'>, uri: vscode.Uri, result: ValidationResult): void {
  liveCollection?.delete(uri);
  deps.diagnostics.set(uri, toVsDiagnostics(result));
}

/** Results of live validation of an open document. */
export function publishLiveResult(
  deps: Pick<ExtensionDeps, 'diagnostics'>,
  collection: vscode.DiagnosticCollection,
  uri: vscode.Uri,
  result: ValidationResult,
): void {
  deps.diagnostics.delete(uri);
  collection.set(uri, toVsDiagnostics(result));
}
