import * as vscode from 'vscode';
import type { ValidationResult } from '../../validation/types';
import type { Problems } from '../deps';
import { toVsDiagnostics } from './diagnostics';

export const LIVE_COLLECTION_NAME = 'mistral-jsonl';
export const RUN_COLLECTION_NAME = 'mistral';

/**
 * The Problems entries of both kinds of validation: live validation ("mistral-jsonl", the open text) and the Validate /
 * pre-upload runs ("mistral", the file on disk). They describe the same files, so the most recent result wins and the
 * Problems panel never lists one mistake twice: publishing into one collection drops the uri from the other.
 */
export class ProblemsCollections implements Problems, vscode.Disposable {
  private readonly run = vscode.languages.createDiagnosticCollection(RUN_COLLECTION_NAME);
  private readonly live = vscode.languages.createDiagnosticCollection(LIVE_COLLECTION_NAME);

  publishRun(uri: vscode.Uri, result: ValidationResult): void {
    this.live.delete(uri);
    this.run.set(uri, toVsDiagnostics(result));
  }

  publishLive(uri: vscode.Uri, result: ValidationResult): void {
    this.run.delete(uri);
    this.live.set(uri, toVsDiagnostics(result));
  }

  hasLive(uri: vscode.Uri): boolean {
    return this.live.has(uri);
  }

  clearLive(uri?: vscode.Uri): void {
    if (uri) this.live.delete(uri);
    else this.live.clear();
  }

  dispose(): void {
    this.run.dispose();
    this.live.dispose();
  }
}
