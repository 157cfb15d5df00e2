/** `mistral.validate`: files on disk and open documents, results in the Problems panel at exact ranges. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ValidatedFile } from '../../src/extension/validation/runner';
import {
  activateWithKey,
  batchLine,
  closeAllEditors,
  freshFolder,
  instructLine,
  mistralDiagnostics,
  setSetting,
  writeFile,
} from './fileCommandsSupport';

const ROLE_LINE = '{"messages":[{"role":"robot","content":"Hi"},{"role":"assistant","content":"Hello"}]}';
const USER_LAST_LINE = '{"messages":[{"role":"user","content":"Hi"}]}';

async function validate(...args: unknown[]): Promise<ValidatedFile[]> {
  const result = await vscode.commands.executeCommand<ValidatedFile[] | undefined>('mistral.validate', ...args);
  assert.ok(result, 'mistral.validate returned nothing');
  return result;
}

describe('Validate command', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    await activateWithKey();
    dir = freshFolder('validate');
    // Live squiggles would hide whether the command itself published the problems.
    await setSetting('validation.live', false);
  });
  after(async () => {
    await setSetting('validation.live', undefined);
  });
  afterEach(closeAllEditors);

  it('validates a file from the Explorer and lists each problem with its rule code and exact range', async () => {
    const uri = writeFile(dir, 'explorer.jsonl', [instructLine('q', 'a'), ROLE_LINE, USER_LAST_LINE, '{"messages": ['].join('\n') + '\n');
    const [validated] = await validate(uri, [uri]);
    assert.equal(validated.result.format, 'instruct');
    assert.equal(validated.result.summary.records, 3);
    assert.equal(validated.result.summary.errors, 3);
    const problems = mistralDiagnostics(uri);
    assert.deepEqual(
      problems.map(({ range, code }) => ({ range, code })),
      [
        { range: [1, 21, 1, 28], code: 'role-invalid' },
        { range: [2, 13, 2, 43], code: 'last-message-not-assistant' },
        { range: [3, 0, 3, 14], code: 'json-syntax' },
      ],
    );
    assert.ok(problems.every((p) => p.severity === vscode.DiagnosticSeverity.Error));
    // The hint travels with the message, on its own line.
    assert.match(problems[1].message, /assistant[\s\S]*\n.*reply/);
  });

  it('validates every file of a multi-selection and clears problems a fixed file no longer has', async () => {
    const good = writeFile(dir, 'good.jsonl', `${batchLine('a', 'x')}\n${batchLine('b', 'y')}\n`);
    const duplicate = writeFile(dir, 'dupe.jsonl', `${batchLine('a', 'x')}\n${batchLine('a', 'y')}\n`);
    const results = await validate(good, [good, duplicate]);
    assert.deepEqual(results.map((r) => r.result.format), ['batch', 'batch']);
    assert.deepEqual(mistralDiagnostics(good), []);
    const [warning] = mistralDiagnostics(duplicate);
    assert.equal(warning.code, 'custom-id-duplicate');
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(warning.range, [1, 13, 1, 16]);

    writeFile(dir, 'dupe.jsonl', `${batchLine('a', 'x')}\n${batchLine('b', 'y')}\n`);
    await validate({ uris: [duplicate] });
    assert.deepEqual(mistralDiagnostics(duplicate), []);
  });

  it('validates the active editor from the palette, as typed even before it is saved', async () => {
    const uri = writeFile(dir, 'active.jsonl', `${instructLine('q', 'a')}\n`);
    const editor = await vscode.window.showTextDocument(uri);
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), `${USER_LAST_LINE}\n`));
    const [validated] = await validate();
    assert.equal(validated.uri.toString(), uri.toString());
    assert.equal(validated.result.summary.records, 2);
    assert.deepEqual(mistralDiagnostics(uri).map((p) => p.range), [[1, 13, 1, 43]]);
    await editor.document.save();
  });

  it('honours the purpose option and the maxProblems setting', async () => {
    const uri = writeFile(dir, 'as-batch.jsonl', `${instructLine('q', 'a')}\n`.repeat(5));
    const [asBatch] = await validate({ uris: [uri], purpose: 'batch' });
    assert.equal(asBatch.result.format, 'batch');
    assert.ok(asBatch.result.summary.errors >= 5);

    await setSetting('validation.maxProblems', 2);
    try {
      const [capped] = await validate({ uris: [uri], purpose: 'batch' });
      assert.equal(capped.result.diagnostics.length, 2);
      assert.equal(capped.result.summary.truncated, true);
      const problems = mistralDiagnostics(uri);
      // Two problems plus one note that more were counted than shown.
      assert.equal(problems.length, 3);
      assert.equal(problems[2].code, 'too-many-problems');
      assert.equal(problems[2].severity, vscode.DiagnosticSeverity.Information);
    } finally {
      await setSetting('validation.maxProblems', undefined);
    }
  });

  it('validates a 12 MB file on disk (the large-file path), finding a problem on its last line at the exact range', async () => {
    const line = instructLine('q'.repeat(300), 'a'.repeat(300));
    const count = Math.ceil((12 * 1024 * 1024) / (line.length + 1));
    const uri = writeFile(dir, 'large.jsonl', `${`${line}\n`.repeat(count)}${ROLE_LINE}\n`);
    const [validated] = await validate({ uris: [uri] });
    assert.equal(validated.result.summary.records, count + 1);
    assert.equal(validated.result.summary.errors, 1);
    assert.deepEqual(mistralDiagnostics(uri).map(({ range, code }) => ({ range, code })), [{ range: [count, 21, count, 28], code: 'role-invalid' }]);
  });

  it('flags a fine-tune file without the .jsonl extension when validated for fine-tuning', async () => {
    const uri = writeFile(dir, 'train.txt', `${instructLine('q', 'a')}\n`);
    const [validated] = await validate({ uris: [uri], purpose: 'fine-tune' });
    assert.ok(validated.result.summary.errors >= 1);
    assert.ok(mistralDiagnostics(uri).some((p) => p.severity === vscode.DiagnosticSeverity.Error));
  });
});
