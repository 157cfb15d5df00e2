/**
 * Quick fixes in the real VS Code host: the code actions VS Code gets for a Mistral diagnostic (the light bulb and the
 * Problems panel ask the same provider), applied as the user would, byte for byte.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { validateFile } from '../../src/validation/index';
import { activateWithKey, closeAllEditors, eventually, freshFolder, mistralDiagnostics, setSetting, writeFile, type ExtensionHandles } from './fileCommandsSupport';

const TOOLS = '"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{}}}}]';

async function actionsFor(uri: vscode.Uri, code: string, line: number): Promise<vscode.CodeAction[]> {
  const diagnostic = await eventually(`a ${code} diagnostic on line ${line + 1}`, () =>
    vscode.languages.getDiagnostics(uri).find((d) => d.source === 'Mistral' && d.code === code && d.range.start.line === line),
  15_000);
  // Resolve every action, as VS Code does for the one the user picks.
  return vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 10);
}

async function apply(actions: vscode.CodeAction[], title: RegExp): Promise<void> {
  const action = actions.find((a) => title.test(a.title));
  assert.ok(action, `an action ${title}; got ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(action.edit, `${action.title} has an edit`);
  assert.equal(await vscode.workspace.applyEdit(action.edit), true);
}

function lines(document: vscode.TextDocument): string[] {
  return document.getText().split('\n');
}

describe('Quick fixes', function () {
  this.timeout(90_000);
  let dir: string;
  let deps: ExtensionHandles;

  before(async () => {
    deps = await activateWithKey();
    dir = freshFolder('quickfix');
    await setSetting('validation.live', true);
  });
  afterEach(async () => {
    await closeAllEditors();
  });
  after(async () => {
    await setSetting('validation.live', undefined);
  });

  it('fixes one line from its diagnostic, then all lines of the kind, keeping every other byte', async () => {
    const keep = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "prompt_id": "a"}';
    const trailing = (tag: string): string =>
      `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "${tag}"}], "prompt_id": "${tag}"}`;
    const fixed = (tag: string): string => `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "prompt_id": "${tag}"}`;
    const uri = writeFile(dir, 'trailing.jsonl', [keep, trailing('b'), trailing('c'), trailing('d')].join('\n') + '\n');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);

    await apply(await actionsFor(uri, 'last-message-not-assistant', 1), /^Drop the turns after the last assistant message$/);
    assert.deepEqual(lines(document), [keep, fixed('b'), trailing('c'), trailing('d'), '']);

    await apply(await actionsFor(uri, 'last-message-not-assistant', 2), /^Fix all of this kind in the file/);
    assert.deepEqual(lines(document), [keep, fixed('b'), fixed('c'), fixed('d'), '']);
    await eventually('no problems left', () => mistralDiagnostics(uri).length === 0, 15_000);
  });

  it('remaps OpenAI call ids in calls and results alike, for the whole file', async () => {
    const line = (id: string): string =>
      `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"${id}","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","content":"r","tool_call_id":"${id}"},{"role":"assistant","content":"Hello"}],${TOOLS}}`;
    const uri = writeFile(dir, 'ids.jsonl', `${line('call_8f2KQd1rWmZt')}\n${line('call_Zz91AbCdEfGh')}\n`);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await apply(await actionsFor(uri, 'tool-call-id-invalid', 0), /^Fix all of this kind in the file/);
    assert.deepEqual(lines(document), [line('KQd1rWmZt'), line('1AbCdEfGh'), '']);
    await eventually('no problems left', () => mistralDiagnostics(uri).length === 0, 15_000);
  });

  it('renumbers duplicate custom_ids to ids no other line uses', async () => {
    const request = (id: string): string => `{"custom_id": "${id}", "body": {"messages": [{"role": "user", "content": "Hi"}]}}`;
    const uri = writeFile(dir, 'requests.jsonl', [request('a'), request('a'), request('a-2'), request('a')].join('\n') + '\n');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await apply(await actionsFor(uri, 'custom-id-duplicate', 1), /^Fix all of this kind in the file/);
    assert.deepEqual(lines(document), [request('a'), request('a-3'), request('a-2'), request('a-4'), '']);
    await eventually('no problems left', () => mistralDiagnostics(uri).length === 0, 15_000);
  });

  it('removes a byte order mark by rewriting the saved file', async () => {
    const text = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n';
    const uri = writeFile(dir, 'bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    await setSetting('validation.live', false);
    try {
      // VS Code hides a BOM from the text, so only a run on the file (Validate, the upload check) reports it.
      deps.problems.publishRun(uri, await validateFile(uri.fsPath));
      const document = await vscode.workspace.openTextDocument(uri);
      assert.equal(document.getText(), text, 'VS Code shows the text without the BOM');
      const actions = await actionsFor(uri, 'bom', 0);
      assert.deepEqual(actions.map((a) => a.title), ['Remove the byte order mark (rewrites the file)']);
      // Applied from the editor as the light bulb does: the workbench resolves the action and writes the bytes.
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await vscode.commands.executeCommand('editor.action.codeAction', { kind: vscode.CodeActionKind.QuickFix.value, apply: 'first' });
      await eventually('the file has lost its BOM', () => fs.readFileSync(uri.fsPath).equals(Buffer.from(text)), 10_000);
    } finally {
      await setSetting('validation.live', true);
    }
  });
});
