import * as vscode from 'vscode';
import { fixLine, isFixable, type FixableCode } from '../../validation/quickFixes';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { VALIDATED_SCHEMES } from './live';

/** The documents live validation checks (see live.ts): JSONL by language or by extension, in the user's own schemes. */
const SELECTOR: vscode.DocumentSelector = VALIDATED_SCHEMES.flatMap((scheme) => [
  { scheme, language: 'jsonl' },
  { scheme, pattern: '**/*.jsonl' },
]);

function fixTitle(code: FixableCode): string {
  switch (code) {
    case 'last-message-not-assistant':
      return vscode.l10n.t('Drop the turns after the last assistant message');
    case 'tool-call-id-invalid':
    case 'tool-message-call-id-invalid':
      return vscode.l10n.t('Remap tool-call ids to 9 letters or digits (calls and results)');
    case 'tool-calls-empty-content':
      return vscode.l10n.t('Remove the empty content beside "tool_calls"');
    case 'assistant-content-and-tool-calls':
      return vscode.l10n.t('Split into a text message and a tool-call message');
    case 'tool-description-missing':
      return vscode.l10n.t('Add an empty "description"');
    case 'legacy-function-calling':
      return vscode.l10n.t('Rename legacy "functions" / "function_call" / role "function" to tools');
    case 'unknown-key':
      return vscode.l10n.t('Remove keys the chunk type does not define');
    case 'custom-id-duplicate':
      return vscode.l10n.t('Renumber the duplicate custom_id');
  }
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = diagnostic.code;
  if (typeof code === 'string') return code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return undefined;
}

/** The smallest replacement that turns `before` into `after` on one line: the bytes around it are not touched at all. */
function lineEdit(edit: vscode.WorkspaceEdit, uri: vscode.Uri, line: number, before: string, after: string): void {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  edit.replace(uri, new vscode.Range(line, start, line, before.length - end), after.slice(start, after.length - end));
}

const CUSTOM_ID = /"custom_id"\s*:\s*("(?:[^"\\]|\\.)*")/;

/** Every custom_id in the document, so a renumbered one is new to the whole file. */
function customIds(document: vscode.TextDocument): Set<string> {
  const ids = new Set<string>();
  for (let line = 0; line < document.lineCount; line++) {
    const match = CUSTOM_ID.exec(document.lineAt(line).text);
    if (!match) continue;
    try {
      ids.add(JSON.parse(match[1]) as string);
    } catch {
      // Not a string we can read: it cannot collide with a renumbered one.
    }
  }
  return ids;
}

/** A "fix all" whose edit is worked out only when the user picks it (a file may have thousands of problems). */
class FixAllAction extends vscode.CodeAction {
  constructor(
    title: string,
    readonly document: vscode.TextDocument,
    readonly code: FixableCode,
  ) {
    super(title, vscode.CodeActionKind.QuickFix);
  }
}

class BomAction extends vscode.CodeAction {
  constructor(readonly uri: vscode.Uri) {
    super(vscode.l10n.t('Remove the byte order mark (rewrites the file)'), vscode.CodeActionKind.QuickFix);
  }
}

/**
 * Quick fixes on the Mistral diagnostics, in the editor's light bulb and in the Problems panel: one for the line, and
 * one for every line of the file with a problem of the same kind.
 */
export class ValidationCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const offeredAll = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      const code = codeOf(diagnostic);
      if (code === 'bom') {
        if (document.isDirty || document.uri.scheme !== 'file') continue;
        const action = new BomAction(document.uri);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        actions.push(action);
        continue;
      }
      if (code === undefined || !isFixable(code)) continue;
      const line = diagnostic.range.start.line;
      if (line >= document.lineCount) continue;
      const text = document.lineAt(line).text;
      const fixed = fixLine(code, text, { usedIds: code === 'custom-id-duplicate' ? customIds(document) : undefined });
      if (fixed === null) continue;
      const action = new vscode.CodeAction(fixTitle(code), vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      lineEdit(action.edit, document.uri, line, text, fixed);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      actions.push(action);
      if (!offeredAll.has(code)) {
        offeredAll.add(code);
        const all = new FixAllAction(vscode.l10n.t('Fix all of this kind in the file ({0})', code), document, code);
        all.diagnostics = this.sameKind(document, code);
        actions.push(all);
      }
    }
    return actions;
  }

  async resolveCodeAction(action: vscode.CodeAction): Promise<vscode.CodeAction> {
    if (action instanceof FixAllAction) action.edit = this.fixAll(action.document, action.code);
    else if (action instanceof BomAction) action.edit = await this.withoutBom(action.uri);
    return action;
  }

  private sameKind(document: vscode.TextDocument, code: string): vscode.Diagnostic[] {
    return vscode.languages.getDiagnostics(document.uri).filter((d) => codeOf(d) === code);
  }

  /** One edit per line that has a problem of this kind; each line fix already fixes all of them on its line. */
  private fixAll(document: vscode.TextDocument, code: FixableCode): vscode.WorkspaceEdit {
    const edit = new vscode.WorkspaceEdit();
    const lines = [...new Set(this.sameKind(document, code).map((d) => d.range.start.line))].sort((a, b) => a - b);
    const usedIds = code === 'custom-id-duplicate' ? customIds(document) : undefined;
    for (const line of lines) {
      if (line >= document.lineCount) continue;
      const text = document.lineAt(line).text;
      const fixed = fixLine(code, text, { usedIds });
      if (fixed !== null) lineEdit(edit, document.uri, line, text, fixed);
    }
    return edit;
  }

  /** VS Code hides a BOM from the text, so it can only go by rewriting the file's bytes; offered only for saved files. */
  private async withoutBom(uri: vscode.Uri): Promise<vscode.WorkspaceEdit> {
    const edit = new vscode.WorkspaceEdit();
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      edit.createFile(uri, { overwrite: true, contents: bytes.subarray(3) });
    }
    return edit;
  }
}

export function registerValidationCodeActions(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(SELECTOR, new ValidationCodeActions(), ValidationCodeActions.metadata);
}
