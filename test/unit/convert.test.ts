/**
 * Convert to Mistral JSONL (src/convert): each source format, function calling kept with ids remapped consistently,
 * the report, detection, atomic output, and the output accepted by the validator. Fixtures: test/fixtures/convert
 * (the Mistral one is the function-calling and weight examples of https://docs.mistral.ai/capabilities/finetuning/).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertFile, ConvertInputError, detectSource, type ConvertResult } from '../../src/convert/index';
import { validateFile } from '../../src/validation/index';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'convert');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test data of any shape

describe('convert to Mistral JSONL', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mf-convert-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const lines = (path: string): Json[] => readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Json);
  const run = async (input: string, options: Parameters<typeof convertFile>[2] = {}): Promise<{ result: ConvertResult; records: Json[]; out: string }> => {
    const out = join(dir, 'out.jsonl');
    const result = await convertFile(input, out, options);
    return { result, records: result.outputWritten ? lines(out) : [], out };
  };
  const changed = (result: ConvertResult, code: string): number[] => result.changes.find((c) => c.code === code)?.lines ?? [];
  const dropped = (result: ConvertResult, code: string): number[] => result.droppedEntries.find((c) => c.code === code)?.lines ?? [];

  it("a file already in Mistral's format (the docs' examples) comes out byte for byte, with nothing reported", async () => {
    const input = join(FIXTURES, 'mistral-docs-function-calling.jsonl');
    const { result, out } = await run(input);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(input, 'utf8'));
    assert.deepEqual(result.changes, []);
    assert.deepEqual(result.droppedEntries, []);
    assert.equal(result.validation?.summary.errors, 0);
  });

  it('OpenAI function calling is kept: call ids become 9 characters of [A-Za-z0-9], the same in the call and its result', async () => {
    const { result, records } = await run(join(FIXTURES, 'openai-function-calling.jsonl'), { from: 'openai' });
    assert.equal(result.written, 3);
    for (const record of records) {
      const callIds = record.messages.flatMap((m: Json) => (m.tool_calls ?? []).map((c: Json) => c.id as string));
      const resultIds = record.messages.filter((m: Json) => m.role === 'tool').map((m: Json) => m.tool_call_id as string);
      assert.ok(callIds.length > 0);
      for (const id of callIds) assert.match(id, /^[A-Za-z0-9]{9}$/);
      assert.deepEqual(resultIds, callIds, 'each result answers its call, in order');
      assert.equal(new Set(callIds).size, callIds.length);
    }
    const first = records[0].messages as Json[];
    assert.ok(!('content' in first[2]), 'content: null beside tool_calls is removed');
    assert.equal(first[2].tool_calls[1].function.arguments, '{"tz":"CET"}');
    assert.ok(!('name' in first[1]), 'name on a user message is removed');
    assert.ok(!('weight' in first[5]));
    assert.equal(records[0].tools[0].function.description, '');
    assert.equal(records[0].tools[0].function.strict, true);
    assert.deepEqual(records[0].tools[1].function.parameters, {});
    assert.ok(!('parallel_tool_calls' in records[0]));
    assert.deepEqual(changed(result, 'tool-call-id-remapped'), [1, 3]);
    assert.deepEqual(result.changes.find((c) => c.code === 'key-removed')?.details, { parallel_tool_calls: 1 });
    assert.equal(result.validation?.summary.errors, 0);
  });

  it('legacy functions, function_call and role function become tools, tool_calls and tool, with a generated id', async () => {
    const { result, records } = await run(join(FIXTURES, 'openai-function-calling.jsonl'));
    const legacy = records[1];
    assert.deepEqual(legacy.tools, [{ type: 'function', function: { name: 'lookup', description: 'Look up a value', parameters: { type: 'object', properties: { key: { type: 'string' } } } } }]);
    assert.deepEqual(legacy.messages[0], { role: 'system', content: 'Be brief.' });
    const call = legacy.messages[2];
    assert.deepEqual(Object.keys(call), ['role', 'tool_calls']);
    assert.deepEqual(call.tool_calls[0].function, { name: 'lookup', arguments: '{"key":"x"}' });
    assert.deepEqual(legacy.messages[3], { role: 'tool', content: 'x=1', tool_call_id: call.tool_calls[0].id, name: 'lookup' });
    for (const code of ['legacy-functions', 'legacy-function-call', 'legacy-function-role', 'developer-role', 'tool-call-id-added']) assert.deepEqual(changed(result, code), [2], code);
  });

  it('text beside tool calls becomes two assistant messages, text first', async () => {
    const { result, records } = await run(join(FIXTURES, 'openai-function-calling.jsonl'));
    const messages = records[2].messages as Json[];
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'assistant', 'tool', 'assistant']);
    assert.deepEqual(messages[1], { role: 'assistant', content: 'Let me check.' });
    assert.ok(Array.isArray(messages[2].tool_calls) && !('content' in messages[2]));
    assert.deepEqual(changed(result, 'content-and-tool-calls-split'), [3]);
  });

  it('ids are stable across runs and an already valid id is kept', async () => {
    const input = join(FIXTURES, 'openai-function-calling.jsonl');
    const a = readFileSync((await run(input)).out, 'utf8');
    const b = readFileSync((await run(input)).out, 'utf8');
    assert.equal(a, b);
    const input2 = write('ids.jsonl', JSON.stringify({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 'abcDEF123', type: 'function', function: { name: 'f', arguments: '{}' } }, { id: 'abcDEF123', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'abcDEF123', content: '1' }, { role: 'tool', content: '2' }, { role: 'assistant', content: 'ok' }], tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: {} } }] }) + '\n');
    const { records } = await run(input2);
    const [first, second] = records[0].messages[1].tool_calls as Json[];
    assert.equal(first.id, 'abcDEF123');
    assert.equal(second.id, 'abcDEF123', 'the same original id maps to the same Mistral id');
  });

  it('several system or developer messages merge into one; trailing user and tool turns are removed', async () => {
    const input = write(
      'sys.jsonl',
      [
        { messages: [{ role: 'system', content: 'A' }, { role: 'user', content: 'q' }, { role: 'developer', content: 'B' }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'more?' }] },
        { messages: [{ role: 'user', content: 'only a question' }] },
        { messages: [{ role: 'assistant', content: 'alone' }] },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const { result, records } = await run(input);
    assert.deepEqual(records, [{ messages: [{ role: 'system', content: 'A\n\nB' }, { role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }]);
    assert.deepEqual(changed(result, 'system-merged'), [1]);
    assert.deepEqual(changed(result, 'trailing-turns-removed'), [1, 2]);
    assert.deepEqual(dropped(result, 'no-assistant-turn'), [2]);
    assert.deepEqual(dropped(result, 'no-user-turn'), [3]);
  });

  it('drops what has no Mistral equivalent, with the reason and line: invalid JSON, preference rows, unknown roles', async () => {
    const input = write('bad.jsonl', ['{"messages": [', '{"input":{"messages":[]},"preferred_output":[],"non_preferred_output":[]}', '', '{"messages":[{"role":"user","content":"a"},{"role":"critic","content":"b"}]}', '[1]', '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}'].join('\n'));
    const { result } = await run(input);
    assert.equal(result.records, 5);
    assert.equal(result.written, 1);
    assert.equal(result.dropped, 4);
    assert.deepEqual(dropped(result, 'json-invalid'), [1]);
    assert.deepEqual(dropped(result, 'preference-row'), [2]);
    assert.deepEqual(dropped(result, 'role-unknown'), [4]);
    assert.deepEqual(result.droppedEntries.find((e) => e.code === 'role-unknown')?.details, { critic: 1 });
    assert.deepEqual(dropped(result, 'not-object'), [5]);
    assert.deepEqual(changed(result, 'blank-line-skipped'), [3]);
  });

  it('ShareGPT: from/value become role/content, function_call and observation become a call and its result', async () => {
    const { result, records } = await run(join(FIXTURES, 'sharegpt.jsonl'));
    assert.deepEqual(records[0], { messages: [{ role: 'system', content: 'Answer kindly.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }] });
    const [user, call, tool, answer] = records[1].messages as Json[];
    assert.equal(user.role, 'user');
    assert.equal(call.tool_calls[0].function.name, 'add');
    assert.equal(call.tool_calls[0].function.arguments, '{"a":2,"b":2}');
    assert.equal(tool.tool_call_id, call.tool_calls[0].id);
    assert.equal(answer.content, 'It is 4.');
    assert.equal(records[1].tools[0].function.name, 'add');
    assert.deepEqual(dropped(result, 'role-unknown'), [3]);
    assert.equal(result.validation?.summary.errors, 0);
  });

  it('glaive rows (function_description, function-call, function-response) keep their function calling', async () => {
    const fn = (name: string): string => JSON.stringify({ name, description: `${name} it`, parameters: { type: 'object', properties: {} } });
    const row = {
      function_description: `${fn('calc')} ${fn('noop')}`,
      conversations: [
        { from: 'system', value: 'You can call functions.' },
        { from: 'human', value: 'Compute' },
        { from: 'function-call', value: '{"name": "calc", "arguments": {"x": 1}}' },
        { from: 'function-response', value: '{"result": 2}' },
        { from: 'gpt', value: 'It is 2.' },
      ],
    };
    const { result, records } = await run(write('glaive.jsonl', `${JSON.stringify(row)}\n`));
    assert.deepEqual(records[0].tools.map((t: Json) => t.function.name), ['calc', 'noop']);
    const [, , call, tool] = records[0].messages as Json[];
    assert.equal(call.tool_calls[0].function.arguments, '{"x":1}');
    assert.equal(tool.tool_call_id, call.tool_calls[0].id);
    assert.equal(result.validation?.summary.errors, 0);
  });

  it('Alpaca: instruction + input as the user turn, output as the answer, history and system kept; empty output dropped', async () => {
    const { result, records } = await run(join(FIXTURES, 'alpaca.jsonl'), { from: 'alpaca' });
    assert.deepEqual(records[0].messages, [{ role: 'user', content: 'Translate to French\n\nGood morning' }, { role: 'assistant', content: 'Bonjour' }]);
    assert.deepEqual(records[1].messages[0], { role: 'user', content: 'Name a colour' });
    assert.deepEqual(records[2].messages.map((m: Json) => m.role), ['system', 'user', 'assistant', 'user', 'assistant']);
    assert.deepEqual(dropped(result, 'output-empty'), [3]);
  });

  it('an explicit --from drops records of another shape and says what they look like', async () => {
    const { result } = await run(join(FIXTURES, 'sharegpt.jsonl'), { from: 'alpaca' });
    assert.equal(result.written, 0);
    assert.equal(result.outputWritten, false);
    assert.deepEqual(result.droppedEntries.find((e) => e.code === 'unrecognized-record')?.details, { 'looks like sharegpt': 3 });
  });

  it('CSV: quoted fields with commas, embedded newlines and doubled quotes, a BOM, a system column', async () => {
    const { result, records } = await run(join(FIXTURES, 'prompts.csv'));
    assert.equal(result.from, 'csv');
    assert.deepEqual(records, [
      { messages: [{ role: 'system', content: 'Be poetic' }, { role: 'user', content: 'Write a line, with a comma' }, { role: 'assistant', content: 'First line\nsecond line "quoted"' }] },
      { messages: [{ role: 'user', content: 'Short' }, { role: 'assistant', content: 'Answer' }] },
    ]);
    assert.deepEqual(changed(result, 'csv-mapped'), [2, 4], 'rows are located by their first line');
  });

  it('TSV by extension, and columns chosen by name', async () => {
    const { records } = await run(join(FIXTURES, 'qa.tsv'));
    assert.deepEqual(records[1], { messages: [{ role: 'user', content: 'Why?' }, { role: 'assistant', content: 'Because.' }] });
    const input = write('odd.csv', 'ask,reply\nhello,hi there\n');
    await assert.rejects(run(input), (err: Error) => err instanceof ConvertInputError && /"ask", "reply"/.test(err.message) && /--user-column/.test(err.message));
    const { records: chosen } = await run(input, { csv: { userColumn: 'ask', assistantColumn: 'REPLY' } });
    assert.deepEqual(chosen, [{ messages: [{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'hi there' }] }]);
  });

  it('detects the source format from a sample', async () => {
    assert.equal((await detectSource(join(FIXTURES, 'sharegpt.jsonl'))).format, 'sharegpt');
    assert.equal((await detectSource(join(FIXTURES, 'alpaca.jsonl'))).format, 'alpaca');
    assert.equal((await detectSource(join(FIXTURES, 'openai-function-calling.jsonl'))).format, 'openai');
    assert.deepEqual(await detectSource(join(FIXTURES, 'qa.tsv')), { format: 'csv', sampled: 0, kinds: {}, delimiter: '\t' });
    assert.equal((await detectSource(write('semi.txt', 'prompt;completion\na;b\n'))).delimiter, ';');
    assert.equal((await detectSource(write('pre.jsonl', '{"text":"a"}\n{"content":"b"}\n'))).format, 'pretrain');
    assert.deepEqual(await detectSource(write('arr.json', '[{"instruction":"a","output":"b"},\n {"instruction":"c","output":"d"}]')), { format: 'alpaca', sampled: 2, kinds: { alpaca: 2 }, array: true });
  });

  it('pretrain records keep their text; the content alias becomes text', async () => {
    const { records, result } = await run(write('pre.jsonl', '{"text":"one","meta":1}\n{"content":"two"}\n'));
    assert.deepEqual(records, [{ text: 'one' }, { text: 'two' }]);
    assert.deepEqual(changed(result, 'pretrain-content-renamed'), [2]);
  });

  it('a JSON array (how Alpaca and ShareGPT dumps ship) is streamed element by element, lines located', async () => {
    const elements = [
      { instruction: 'Say "[hi]", then stop', input: '', output: 'hi, {there}' },
      { instruction: 'Escapes \\ and \u00e9', input: 'x', output: 'y' },
      { instruction: 'no answer', output: '' },
    ];
    const input = write('alpaca.json', `\uFEFF[\n  ${elements.map((e) => JSON.stringify(e)).join(',\n  ')}\n]\n`);
    const { result, records } = await run(input);
    assert.equal(result.records, 3);
    assert.deepEqual(records.map((r) => r.messages[0].content), ['Say "[hi]", then stop', 'Escapes \\ and \u00e9\n\nx']);
    assert.equal(records[0].messages[1].content, 'hi, {there}');
    assert.deepEqual(dropped(result, 'output-empty'), [4]);
  });

  it('a JSON array spanning many read buffers converts like the same records as JSON Lines', async () => {
    const record = (k: number): unknown => ({ conversations: [{ from: 'human', value: `q${k} ${'é'.repeat(k % 500)}` }, { from: 'gpt', value: `a${k}` }] });
    const count = 4000;
    const arrayInput = write('big.json', `[${Array.from({ length: count }, (_, k) => JSON.stringify(record(k))).join(',')}]`);
    const linesInput = write('big.jsonl', Array.from({ length: count }, (_, k) => JSON.stringify(record(k))).join('\n'));
    const fromArray = await run(arrayInput);
    const fromArrayText = readFileSync(fromArray.out, 'utf8');
    const fromLines = await run(linesInput);
    assert.equal(fromArray.result.written, count);
    assert.equal(fromArrayText, readFileSync(fromLines.out, 'utf8'));
  });

  it('a broken JSON array is refused with where it broke, and nothing is written', async () => {
    await assert.rejects(run(write('cut.json', '[{"instruction":"a","output":"b"},')), (err: Error) => err instanceof ConvertInputError && /not closed/.test(err.message));
    await assert.rejects(run(write('tail.json', '[{"instruction":"a","output":"b"}]\n]')), (err: Error) => err instanceof ConvertInputError && /after the end/.test(err.message));
    assert.ok(!readdirSync(dir).includes('out.jsonl'));
  });

  it('nothing convertible leaves an existing output as it was, and no temp file behind', async () => {
    const out = write('out.jsonl', 'precious\n');
    const result = await convertFile(write('junk.jsonl', 'not json\n'), out);
    assert.equal(result.outputWritten, false);
    assert.equal(readFileSync(out, 'utf8'), 'precious\n');
    assert.deepEqual(readdirSync(dir).sort(), ['junk.jsonl', 'out.jsonl']);
  });

  it('a cancelled conversion leaves the destination as it was', async () => {
    const record = JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a'.repeat(200) }] });
    const input = write('big.jsonl', `${record}\n`.repeat(20000));
    const out = write('out.jsonl', 'precious\n');
    const controller = new AbortController();
    await assert.rejects(
      convertFile(input, out, { signal: controller.signal, onProgress: (done) => done > 0 && controller.abort() }),
      (err: Error) => err.name === 'AbortError',
    );
    assert.equal(readFileSync(out, 'utf8'), 'precious\n');
    assert.deepEqual(readdirSync(dir).sort(), ['big.jsonl', 'out.jsonl']);
  });

  it('lines longer than the read buffer, CRLF endings and a BOM convert; the output validates', async () => {
    const long = 'x'.repeat(3 * 1024 * 1024);
    const input = write('long.jsonl', `\uFEFF${JSON.stringify({ messages: [{ role: 'user', content: long }, { role: 'assistant', content: 'ok' }] })}\r\n{"messages":[{"role":"user","content":"é"},{"role":"assistant","content":"ü"}]}\r\n`);
    const { result, records } = await run(input);
    assert.equal(records[0].messages[0].content.length, long.length);
    assert.equal(records[1].messages[1].content, 'ü');
    assert.deepEqual(changed(result, 'bom-removed'), [1]);
    const validation = await validateFile(join(dir, 'out.jsonl'), { purpose: 'fine-tune' });
    assert.equal(validation.summary.errors + validation.summary.warnings, 0, 'no BOM or CRLF problem is left');
    assert.ok(!readFileSync(join(dir, 'out.jsonl')).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])));
  });
});
