/** Live validation: open .jsonl documents are checked as they change, squiggles at the exact key or value. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LIVE_TEXT_LIMIT } from '../../src/extension/validation/live';
import {
  activateWithKey,
  closeAllEditors,
  eventually,
  freshFolder,
  instructLine,
  mistralDiagnostics,
  setSetting,
  writeFile,
} from './fileCommandsSupport';

const ROLE_LINE = '{"messages":[{"role":"robot","content":"Hi"},{"role":"assistant","content":"Hello"}]}';

function rangesAndCodes(uri: vscode.Uri): string {
  return JSON.stringify(mistralDiagnostics(uri).map(({ range, code }) => [...range, code]));
}

async function waitForProblems(uri: vscode.Uri, expected: Array<[number, number, number, number, string]>, what: string): Promise<void> {
  const wanted = JSON.stringify(expected);
  await eventually(`${what}: expected ${wanted}`, () => rangesAndCodes(uri) === wanted, 15_000);
}

describe('Live validation', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    await activateWithKey();
    dir = freshFolder('live');
    await setSetting('validation.live', true);
  });
  afterEach(async () => {
    await setSetting('validation.live', undefined);
    await closeAllEditors();
  });

  it('underlines problems as the document changes and removes them when fixed', async () => {
    const uri = writeFile(dir, 'typing.jsonl', `${instructLine('q', 'a')}\n`);
    const editor = await vscode.window.showTextDocument(uri);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(mistralDiagnostics(uri), []);

    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), `${ROLE_LINE}\n`));
    await waitForProblems(uri, [[1, 21, 1, 28, 'role-invalid']], 'squiggle on the bad role');
    const [problem] = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Mistral');
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);

    // Fix the value in place: "robot" -> "user".
    await editor.edit((edit) => edit.replace(new vscode.Range(1, 21, 1, 28), '"user"'));
    await waitForProblems(uri, [], 'squiggle gone after the fix');

    // Break the JSON: the whole line is flagged.
    await editor.edit((edit) => edit.insert(new vscode.Position(2, 0), '{"messages": [\n'));
    await waitForProblems(uri, [[2, 0, 2, 14, 'json-syntax']], 'squiggle on the truncated line');
  });

  it('validates untitled JSON Lines documents too', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'jsonl', content: `${instructLine('q', 'a')}\n${ROLE_LINE}\n` });
    await vscode.window.showTextDocument(document);
    await waitForProblems(document.uri, [[1, 21, 1, 28, 'role-invalid']], 'squiggle in an untitled document');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('follows the setting: off clears the squiggles, on brings them back', async () => {
    const uri = writeFile(dir, 'setting.jsonl', `${ROLE_LINE}\n`);
    await vscode.window.showTextDocument(uri);
    await waitForProblems(uri, [[0, 21, 0, 28, 'role-invalid']], 'initial squiggle');
    await setSetting('validation.live', false);
    await waitForProblems(uri, [], 'squiggles cleared when live validation is off');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), `${ROLE_LINE}\n`));
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.deepEqual(mistralDiagnostics(uri), [], 'no validation while the setting is off');
    await setSetting('validation.live', true);
    await waitForProblems(uri, [[0, 21, 0, 28, 'role-invalid'], [1, 21, 1, 28, 'role-invalid']], 'squiggles back when turned on');
    await editor.document.save();
  });

  it('clears a document\'s squiggles when it is closed', async () => {
    const uri = writeFile(dir, 'closing.jsonl', `${ROLE_LINE}\n`);
    await vscode.window.showTextDocument(uri);
    await waitForProblems(uri, [[0, 21, 0, 28, 'role-invalid']], 'squiggle before closing');
    await closeAllEditors();
    await waitForProblems(uri, [], 'squiggles cleared after closing');
  });

  it('never lists a problem twice when "Validate JSONL File" runs on an open document', async () => {
    const uri = writeFile(dir, 'both.jsonl', `${ROLE_LINE}\n`);
    await vscode.window.showTextDocument(uri);
    await waitForProblems(uri, [[0, 21, 0, 28, 'role-invalid']], 'live squiggle');
    await vscode.commands.executeCommand('mistral.validate', uri);
    assert.equal(rangesAndCodes(uri), JSON.stringify([[0, 21, 0, 28, 'role-invalid']]));
    // Typing makes the command's on-disk result stale; live validation takes over again.
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), `${instructLine('q', 'a')}\n`));
    await waitForProblems(uri, [[1, 21, 1, 28, 'role-invalid']], 'live result after the edit');
    await editor.document.save();
  });

  it('checks a document above the live size limit from disk on open and on save, not per keystroke', async () => {
    const line = instructLine('q'.repeat(200), 'a'.repeat(200));
    const count = Math.ceil((LIVE_TEXT_LIMIT + 1024) / (line.length + 1));
    const uri = writeFile(dir, 'large.jsonl', `${`${line}\n`.repeat(count)}${ROLE_LINE}\n`);
    const editor = await vscode.window.showTextDocument(uri);
    await waitForProblems(uri, [[count, 21, count, 28, 'role-invalid']], 'squiggle from the on-open check');

    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), `${ROLE_LINE}\n`));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(rangesAndCodes(uri), JSON.stringify([[count, 21, count, 28, 'role-invalid']]), 'unchanged until saved');

    await editor.document.save();
    await waitForProblems(
      uri,
      [
        [0, 21, 0, 28, 'role-invalid'],
        [count + 1, 21, count + 1, 28, 'role-invalid'],
      ],
      'both squiggles after save',
    );
  });
});
