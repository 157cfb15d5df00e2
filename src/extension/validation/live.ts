import * as path from 'node:path';
import * as vscode from 'vscode';
import { isAbortError } from '../../api/core/errors';
import { errorMessage } from '../../api/core/errors';
import type { Deps } from '../deps';
import { validateOne } from './runner';

const DEBOUNCE_MS = 300;
/**
 * Text is validated on the extension host's thread, taking a few hundred milliseconds per 10 MB; above this many
 * UTF-16 units a run per keystroke could stall other extensions, so such documents are validated from disk
 * (streamed, in worker threads) on open and on save instead.
 */
export const LIVE_TEXT_LIMIT = 2 * 1024 * 1024;
// Documents that are the user's own text; previews of remote files, git revisions and output panes are not.
export const VALIDATED_SCHEMES = ['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-userdata'];
const SCHEMES = new Set(VALIDATED_SCHEMES);

export function isJsonlDocument(document: vscode.TextDocument): boolean {
  if (!SCHEMES.has(document.uri.scheme)) return false;
  return document.languageId === 'jsonl' || path.extname(document.uri.path).toLowerCase() === '.jsonl';
}

/** Validates open `.jsonl` documents as they change; follows `mistral.validation.live`. */
export class LiveValidation implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly fileRuns = new Map<string, AbortController>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private enabled: boolean;

  constructor(private readonly deps: Deps) {
    this.enabled = deps.settings.liveValidation;
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.onOpenOrSave(document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.onOpenOrSave(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.onChange(event.document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      // VS Code disposes a document (onDidCloseTextDocument) only some time after its last tab closes, so tabs are
      // followed too: squiggles go with the last tab, and come back when a still-loaded document is shown again.
      vscode.window.tabGroups.onDidChangeTabs((event) => this.onTabsChanged(event)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('mistral.validation.live')) this.setEnabled(this.deps.settings.liveValidation);
        else if (this.enabled && event.affectsConfiguration('mistral.validation.maxProblems')) this.validateAllOpen();
      }),
    );
    if (this.enabled) this.validateAllOpen();
  }

  private setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    if (enabled) {
      this.validateAllOpen();
    } else {
      for (const key of [...this.timers.keys(), ...this.fileRuns.keys()]) this.cancel(key);
      this.deps.problems.clearLive();
    }
  }

  private validateAllOpen(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (isJsonlDocument(document)) this.schedule(document, 0);
    }
  }

  private onOpenOrSave(document: vscode.TextDocument): void {
    if (this.enabled && isJsonlDocument(document)) this.schedule(document, 0);
  }

  private onChange(document: vscode.TextDocument): void {
    if (!this.enabled || !isJsonlDocument(document)) return;
    // Large documents keep their last results until saved: re-validating them per keystroke would stall the host.
    if (documentLength(document) > LIVE_TEXT_LIMIT) return;
    this.schedule(document, DEBOUNCE_MS);
  }

  private onTabsChanged(event: vscode.TabChangeEvent): void {
    for (const tab of event.closed) {
      const uri = tabUri(tab);
      if (uri && !isShownInAnyTab(uri)) this.forget(uri);
    }
    if (!this.enabled) return;
    for (const tab of event.opened) {
      const uri = tabUri(tab);
      const document = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (document && isJsonlDocument(document) && !this.deps.problems.hasLive(document.uri)) this.schedule(document, 0);
    }
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.run(document);
      }, delayMs),
    );
  }

  private async run(document: vscode.TextDocument): Promise<void> {
    if (!this.enabled || document.isClosed) return;
    const key = document.uri.toString();
    const maxDiagnostics = this.deps.settings.maxProblems;
    const started = Date.now();
    try {
      if (documentLength(document) <= LIVE_TEXT_LIMIT) {
        this.fileRuns.get(key)?.abort();
        const result = await validateOne(document.uri, { maxDiagnostics, preferDocument: true });
        if (!this.enabled || document.isClosed) return;
        this.deps.problems.publishLive(document.uri, result);
      } else {
        // Validate what is on disk; an unsaved large document waits for its save.
        if (document.uri.scheme !== 'file' || document.isDirty) return;
        this.fileRuns.get(key)?.abort();
        const controller = new AbortController();
        this.fileRuns.set(key, controller);
        const result = await validateOne(document.uri, { maxDiagnostics, signal: controller.signal });
        if (controller.signal.aborted || !this.enabled || document.isClosed) return;
        this.fileRuns.delete(key);
        this.deps.problems.publishLive(document.uri, result);
      }
      this.deps.log.trace(`Live validation of ${path.basename(document.uri.path)}: ${Date.now() - started} ms`);
    } catch (err) {
      if (isAbortError(err)) return;
      this.deps.log.warn(`Live validation of ${path.basename(document.uri.path)} failed: ${errorMessage(err)}`);
    }
  }

  private cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.fileRuns.get(key)?.abort();
    this.fileRuns.delete(key);
  }

  private forget(uri: vscode.Uri): void {
    this.cancel(uri.toString());
    this.deps.problems.clearLive(uri);
  }

  dispose(): void {
    for (const key of [...this.timers.keys(), ...this.fileRuns.keys()]) this.cancel(key);
    this.subscriptions.forEach((subscription) => subscription.dispose());
  }
}

function tabUri(tab: vscode.Tab): vscode.Uri | undefined {
  return tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
}

function isShownInAnyTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((group) =>
    group.tabs.some((tab) => {
      const input = tab.input;
      if (input instanceof vscode.TabInputText) return input.uri.toString() === key;
      if (input instanceof vscode.TabInputTextDiff) return input.modified.toString() === key || input.original.toString() === key;
      return false;
    }),
  );
}

/** Length in UTF-16 units without copying the text. */
function documentLength(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}
