/** Convert to Mistral JSONL… and Split JSONL… in the real host: the commands, their pickers, outputs and reports. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConvertResult, SplitResult } from '../../src/convert/index';
import type { ValidatedFile } from '../../src/extension/validation/runner';
import { acceptQuickPicksUntilDone, activateWithKey, closeAllEditors, freshFolder, instructLine, writeFile } from './fileCommandsSupport';

const OPENAI_LINE = JSON.stringify({
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_8f2KQd1rWmZt', type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
    { role: 'tool', tool_call_id: 'call_8f2KQd1rWmZt', content: '21 degrees' },
    { role: 'assistant', content: 'It is 21 degrees.' },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
});

describe('Data tools: convert and split', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    await activateWithKey();
    dir = freshFolder('data-tools');
  });
  afterEach(closeAllEditors);

  it('converts OpenAI function calling with the detected format accepted in the picker; the output validates clean', async () => {
    const input = writeFile(dir, 'openai.jsonl', `${OPENAI_LINE}\n${JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] })}\n`);
    const output = path.join(dir, 'openai.mistral.jsonl');
    const result = await acceptQuickPicksUntilDone(vscode.commands.executeCommand<ConvertResult | undefined>('mistral.convertToMistral', { uri: input, output }));
    assert.ok(result, 'the command returned its result');
    assert.equal(result.from, 'auto');
    assert.equal(result.detection.format, 'openai');
    assert.equal(result.written, 1);
    assert.deepEqual(result.droppedEntries.map((e) => [e.code, e.lines]), [['no-assistant-turn', [2]]]);
    const record = JSON.parse(fs.readFileSync(output, 'utf8').trim()) as { messages: Array<Record<string, unknown>> };
    const call = (record.messages[1].tool_calls as Array<{ id: string; function: { arguments: string } }>)[0];
    assert.match(call.id, /^[A-Za-z0-9]{9}$/);
    assert.equal(record.messages[2].tool_call_id, call.id);
    assert.equal(call.function.arguments, '{"city":"Paris"}');
    const [validated] = (await vscode.commands.executeCommand<ValidatedFile[]>('mistral.validate', vscode.Uri.file(output))) ?? [];
    assert.equal(validated.result.summary.errors, 0);
  });

  it('converts a CSV with quoted, multi-line fields from the Explorer-style file argument', async () => {
    const input = writeFile(dir, 'prompts.csv', 'prompt,completion\n"Say ""hi""","Hi,\nthere"\nNext,Done\n');
    const output = path.join(dir, 'prompts.jsonl');
    const result = await vscode.commands.executeCommand<ConvertResult | undefined>('mistral.convertToMistral', { uri: input.fsPath, from: 'csv', output: vscode.Uri.file(output) });
    assert.equal(result?.written, 2);
    assert.deepEqual(fs.readFileSync(output, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown), [
      { messages: [{ role: 'user', content: 'Say "hi"' }, { role: 'assistant', content: 'Hi,\nthere' }] },
      { messages: [{ role: 'user', content: 'Next' }, { role: 'assistant', content: 'Done' }] },
    ]);
  });

  it('asks which columns hold the prompt and the answer when the CSV header does not say', async () => {
    const input = writeFile(dir, 'odd-names.csv', 'ask,reply,notes\nWhere?,Here.,x\n');
    const output = path.join(dir, 'odd-names.jsonl');
    // The first column is offered first for the prompt; the answer picker leaves the chosen prompt column out.
    const result = await acceptQuickPicksUntilDone(vscode.commands.executeCommand<ConvertResult | undefined>('mistral.convertToMistral', { uri: input, from: 'csv', output }));
    assert.equal(result?.written, 1);
    assert.equal(fs.readFileSync(output, 'utf8'), '{"messages":[{"role":"user","content":"Where?"},{"role":"assistant","content":"Here."}]}\n');
  });

  it('converts a JSON array of ShareGPT conversations, detected as such', async () => {
    const input = writeFile(dir, 'sharegpt.json', JSON.stringify([{ conversations: [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello' }] }], null, 2));
    const output = path.join(dir, 'sharegpt.jsonl');
    const result = await acceptQuickPicksUntilDone(vscode.commands.executeCommand<ConvertResult | undefined>('mistral.convertToMistral', { uri: input, output }));
    assert.equal(result?.detection.format, 'sharegpt');
    assert.equal(result?.detection.array, true);
    assert.equal(fs.readFileSync(output, 'utf8'), '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n');
  });

  it('splits from the Explorer with the default choice (train and validation, seed 42) accepted in the picker', async () => {
    const lines = Array.from({ length: 400 }, (_, k) => instructLine(`question ${k}`, `answer ${k}`));
    const input = writeFile(dir, 'train-me.jsonl', `${lines.join('\n')}\n`);
    const result = await acceptQuickPicksUntilDone(vscode.commands.executeCommand<SplitResult | undefined>('mistral.splitJsonl', input, [input]));
    assert.ok(result, 'the command returned its result');
    assert.equal(result.seed, 42);
    assert.deepEqual(result.outputs.map((o) => [path.basename(o.path), o.role]), [['train-me.validation.jsonl', 'validation'], ['train-me.train.jsonl', 'train']]);
    const validation = fs.readFileSync(path.join(dir, 'train-me.validation.jsonl'), 'utf8').trim().split('\n');
    const train = fs.readFileSync(path.join(dir, 'train-me.train.jsonl'), 'utf8').trim().split('\n');
    assert.equal(validation.length, 20, '5% of the records (well under 1 MB)');
    assert.deepEqual([...validation, ...train].sort(), [...lines].sort());
  });

  it('shards under a chosen size; an existing output is not replaced unless asked', async () => {
    const lines = Array.from({ length: 300 }, (_, k) => instructLine(`q ${k}`, `a ${k}`));
    const input = writeFile(dir, 'shard-me.jsonl', `${lines.join('\n')}\n`);
    const result = await vscode.commands.executeCommand<SplitResult | undefined>('mistral.splitJsonl', { uri: input, validation: null, maxShardBytes: 4000 });
    assert.ok(result && result.outputs.length > 2);
    assert.ok(result.outputs.every((o) => o.role === 'shard' && fs.statSync(o.path).size <= 4000));
    const first = result.outputs[0].path;
    fs.writeFileSync(first, 'precious\n');
    const again = await vscode.commands.executeCommand<SplitResult | undefined>('mistral.splitJsonl', { uri: input, validation: null, maxShardBytes: 4000 });
    assert.equal(again, undefined);
    assert.equal(fs.readFileSync(first, 'utf8'), 'precious\n');
    const forced = await vscode.commands.executeCommand<SplitResult | undefined>('mistral.splitJsonl', { uri: input, validation: null, maxShardBytes: 4000, force: true });
    assert.equal(forced?.outputs.length, result.outputs.length);
    assert.notEqual(fs.readFileSync(first, 'utf8'), 'precious\n');
  });
});
