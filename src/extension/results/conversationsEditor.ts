/**
 * Conversations: any chat JSONL (fine-tuning records, batch chat requests) read one record at a time as a
 * conversation — roles as bubbles, the system prompt, tool calls and results, images, `weight: 0` turns marked, and the
 * record's validation problems (from the Problems panel) shown above it — beside a list of the records. The file is
 * indexed by line, so a record is parsed only when shown, and the list's rows are summarised a page at a time.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../../api/core/errors';
import { JsonlIndex } from '../../util/jsonlIndex';
import { summarizeRecord, type RecordSummary } from '../../util/recordSummary';
import type { Deps } from '../deps';
import { showError, withCancellableProgress } from '../shared/feedback';
import { urisFromArgs } from '../shared/args';
import { previewUri } from '../files/preview/previewUri';
import { documentSource } from './resultsSources';
import { resultsHtml } from './webviewHtml';

export const CONVERSATIONS_VIEW_TYPE = 'mistral.conversations';

type Message =
  | { type: 'init' }
  | { type: 'record'; position: number }
  | { type: 'goToLine'; line: number }
  | { type: 'page'; requestId: number; offset: number; limit: number };

/** The list asks for a screenful or two; more would only read lines nobody scrolls to. */
const MAX_PAGE = 500;
/** Summaries kept for scrolling back; past this the cache starts again rather than growing with a huge file. */
const MAX_SUMMARIES = 20_000;

type Summary = RecordSummary & { line: number; notJson: boolean };

class ConversationsPanel {
  private index: JsonlIndex | undefined;
  private loading: Promise<void>;
  private failure: string | undefined;
  private disposed = false;
  private readonly summaries = new Map<number, Summary>();

  constructor(private readonly deps: Deps, private readonly uri: vscode.Uri, private readonly panel: vscode.WebviewPanel) {
    const extensionUri = deps.context.extensionUri;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media', 'results'), vscode.Uri.joinPath(extensionUri, 'dist', 'codicons')],
    };
    panel.webview.html = resultsHtml(panel.webview, extensionUri, this.title, 'conversations.js');
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: Message) => void this.handle(message).catch((err: unknown) => showError(deps.log, err, this.title))),
      // Problems change as the file is edited or validated: the record in view shows the current ones.
      vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((changed) => changed.toString() === uri.toString())) void panel.webview.postMessage({ type: 'problemsChanged' });
      }),
    ];
    panel.onDidDispose(() => {
      this.disposed = true;
      subscriptions.forEach((subscription) => subscription.dispose());
      void this.index?.close();
    });
    this.loading = this.load();
  }

  private get title(): string {
    return this.uri.path.split('/').pop() ?? this.uri.path;
  }

  private async load(): Promise<void> {
    try {
      const index = await withCancellableProgress({ title: vscode.l10n.t('Reading {0}', this.title), location: vscode.ProgressLocation.Window }, (signal) =>
        JsonlIndex.open(documentSource(this.uri, this.deps.client.files), { signal }));
      if (this.disposed) await index.close();
      else this.index = index;
    } catch (err) {
      this.failure = vscode.l10n.t('{0} could not be read: {1}', this.title, errorMessage(err));
      void showError(this.deps.log, err, vscode.l10n.t('Opening {0} as conversations failed', this.title));
    }
  }

  /** The problems VS Code lists for one line (live validation or a Validate run), as short texts. */
  private problemsAt(line: number): Array<{ severity: string; message: string }> {
    return vscode.languages
      .getDiagnostics(this.uri)
      .filter((diagnostic) => diagnostic.range.start.line + 1 === line)
      .map((diagnostic) => ({ severity: diagnostic.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning', message: diagnostic.message }));
  }

  private async summary(index: JsonlIndex, position: number): Promise<Summary> {
    let summary = this.summaries.get(position);
    if (!summary) {
      const record = await index.record(position);
      summary = { line: record.line, notJson: record.error !== undefined, ...summarizeRecord(record.value) };
      if (this.summaries.size >= MAX_SUMMARIES) this.summaries.clear();
      this.summaries.set(position, summary);
    }
    return summary;
  }

  /**
   * The worst problem per line, graded as the boxes above a record are (anything not an error is a warning). Not
   * cached: problems change as the file is edited or validated.
   */
  private severities(): Map<number, 'error' | 'warning'> {
    const byLine = new Map<number, 'error' | 'warning'>();
    for (const diagnostic of vscode.languages.getDiagnostics(this.uri)) {
      const line = diagnostic.range.start.line + 1;
      if (diagnostic.severity === vscode.DiagnosticSeverity.Error) byLine.set(line, 'error');
      else if (!byLine.has(line)) byLine.set(line, 'warning');
    }
    return byLine;
  }

  private async page(index: JsonlIndex, requestId: number, requestedOffset: number, requestedLimit: number): Promise<void> {
    const offset = Math.max(0, Math.floor(Number.isFinite(requestedOffset) ? requestedOffset : 0));
    const limit = Math.max(0, Math.min(MAX_PAGE, Math.floor(Number.isFinite(requestedLimit) ? requestedLimit : 0)));
    const end = Math.min(index.count, offset + limit);
    const severities = this.severities();
    const rows = [];
    for (let position = offset; position < end; position++) {
      // The index is closed with the panel: a page still being read then stops quietly.
      if (this.disposed) return;
      const summary = await this.summary(index, position);
      rows.push({ index: position, ...summary, problem: severities.get(summary.line) ?? (summary.notJson ? 'error' : undefined) });
    }
    if (!this.disposed) void this.panel.webview.postMessage({ type: 'page', requestId, total: index.count, offset, rows });
  }

  private async handle(message: Message): Promise<void> {
    switch (message.type) {
      case 'init':
        await this.loading;
        if (this.failure !== undefined || !this.index) void this.panel.webview.postMessage({ type: 'failed', message: this.failure ?? '' });
        else void this.panel.webview.postMessage({ type: 'ready', title: this.title, count: this.index.count });
        return;
      case 'page':
        if (this.index) await this.page(this.index, Number(message.requestId), Number(message.offset), Number(message.limit));
        return;
      case 'goToLine':
      case 'record': {
        const index = this.index;
        if (!index || index.count === 0) return;
        const requested = message.type === 'record' ? Number(message.position) : index.positionOfLine(Number(message.line));
        const position = Math.max(0, Math.min(index.count - 1, Math.floor(Number.isFinite(requested) ? requested : 0)));
        const record = await index.record(position);
        void this.panel.webview.postMessage({ type: 'record', position, count: index.count, ...record, problems: this.problemsAt(record.line) });
        return;
      }
    }
  }
}

class ConversationsProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly deps: Deps) {}
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }
  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    new ConversationsPanel(this.deps, document.uri, panel);
  }
}

/** The Conversations editor and `mistral.openAsConversations(uri?)` (the active editor's file when no URI is given). */
export function registerConversations(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.window.registerCustomEditorProvider(CONVERSATIONS_VIEW_TYPE, new ConversationsProvider(deps), { supportsMultipleEditorsPerDocument: true }),
    vscode.commands.registerCommand('mistral.openAsConversations', async (first?: unknown, second?: unknown) => {
      const file = typeof first === 'object' && first !== null && 'file' in first ? (first as { file: { id: string; filename: string } }).file : undefined;
      const uri = file ? previewUri(file) : (urisFromArgs(first, second)[0] ?? vscode.window.activeTextEditor?.document.uri);
      if (!uri) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a .jsonl file first, or pick one in the Explorer.'));
        return undefined;
      }
      await vscode.commands.executeCommand('vscode.openWith', uri, CONVERSATIONS_VIEW_TYPE);
      return uri;
    }),
  );
}
