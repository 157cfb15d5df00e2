/**
 * Quick fixes on single lines: the exact line each fix writes (so every byte it should not touch is
 * checked, spacing and key order included), and that the fixed line no longer has the problem.
 */
import * as assert from 'node:assert/strict';
import { validateText } from '../../src/validation/index';
import { fixLine, type FixableCode } from '../../src/validation/quickFixes';

const TOOLS = '"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{}}}}]';

function codes(line: string): string[] {
  return validateText(line).diagnostics.map((d) => d.code);
}

function check(code: FixableCode, before: string, after: string): void {
  assert.ok(codes(before).includes(code), `the fixture has ${code}: ${codes(before).join(', ')}`);
  assert.equal(fixLine(code, before), after);
  assert.ok(!codes(after).includes(code), `fixed: ${codes(after).join(', ')}`);
}

describe('validation: quick fixes', () => {
  it('drops the trailing non-assistant turns', () => {
    check(
      'last-message-not-assistant',
      '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "More?"}], "prompt_id": "x"}',
      '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "prompt_id": "x"}',
    );
    assert.equal(fixLine('last-message-not-assistant', '{"messages":[{"role":"user","content":"Hi"}]}'), null, 'nothing to keep: no fix');
  });

  it('remaps OpenAI call ids to 9 characters, the same in the call and in its result', () => {
    const before = `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"call_8f2KQd1rWmZt","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","content":"r","tool_call_id":"call_8f2KQd1rWmZt"},{"role":"assistant","content":"Hello"}],${TOOLS}}`;
    check('tool-call-id-invalid', before, before.replaceAll('call_8f2KQd1rWmZt', 'KQd1rWmZt'));
    assert.deepEqual(codes(before.replaceAll('call_8f2KQd1rWmZt', 'KQd1rWmZt')), []);
    // Short ids get a hashed one; two different old ids never share a new one.
    const short = `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","content":"r","tool_call_id":"b"},{"role":"tool","content":"r","tool_call_id":"a"},{"role":"assistant","content":"Hello"}],${TOOLS}}`;
    const fixed = fixLine('tool-message-call-id-invalid', short);
    assert.ok(fixed);
    assert.deepEqual(codes(fixed), []);
    const record = JSON.parse(fixed) as { messages: { tool_calls?: { id: string }[]; tool_call_id?: string }[] };
    const [a, b] = record.messages[1].tool_calls?.map((c) => c.id) ?? [];
    assert.notEqual(a, b);
    assert.deepEqual([record.messages[2].tool_call_id, record.messages[3].tool_call_id], [b, a]);
  });

  it('removes an empty content beside tool_calls', () => {
    check(
      'tool-calls-empty-content',
      `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant", "content": "" ,"tool_calls":[{"id":"D681PevKs","type":"function","function":{"name":"f","arguments":"{}"}}]}],${TOOLS}}`,
      `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant", "tool_calls":[{"id":"D681PevKs","type":"function","function":{"name":"f","arguments":"{}"}}]}],${TOOLS}}`,
    );
  });

  it('splits text and tool calls into two assistant messages, the calls keeping every other key', () => {
    check(
      'assistant-content-and-tool-calls',
      `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Let me look.","tool_calls":[{"id":"D681PevKs","type":"function","function":{"name":"f","arguments":"{}"}}],"weight":1}],${TOOLS}}`,
      `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Let me look."},{"role":"assistant","tool_calls":[{"id":"D681PevKs","type":"function","function":{"name":"f","arguments":"{}"}}],"weight":1}],${TOOLS}}`,
    );
  });

  it('adds an empty description in the line\'s own spacing', () => {
    check(
      'tool-description-missing',
      '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]}',
      '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": {}, "description": ""}}]}',
    );
  });

  it('renames legacy functions / function_call / role function, answering the call by its new id', () => {
    const before =
      '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{}"}},{"role":"function","name":"f","content":"r"},{"role":"assistant","content":"Hello"}],"functions":[{"name":"f","description":"d","parameters":{"type":"object","properties":{}}}]}';
    const fixed = fixLine('legacy-function-calling', before);
    assert.ok(fixed);
    assert.deepEqual(codes(fixed), []);
    const id = (JSON.parse(fixed) as { messages: { tool_calls?: { id: string }[] }[] }).messages[1].tool_calls?.[0].id ?? '';
    assert.match(id, /^[A-Za-z0-9]{9}$/);
    assert.equal(
      fixed,
      `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"${id}","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","name":"f","content":"r","tool_call_id":"${id}"},{"role":"assistant","content":"Hello"}],"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{}}}}]}`,
    );
  });

  it('drops keys a chunk does not define, however many and wherever they sit', () => {
    check(
      'unknown-key',
      '{"messages":[{"role":"user","content":[{"cache":1,"type":"text","lang":"en","text":"Hi","x":2},{"type":"image_url","image_url":{"alt":"a","url":"https://example.invalid/a.png"}}]},{"role":"assistant","content":"Hello"}]}',
      '{"messages":[{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"image_url","image_url":{"url":"https://example.invalid/a.png"}}]},{"role":"assistant","content":"Hello"}]}',
    );
  });

  it('renumbers a duplicate custom_id to one no other line uses', () => {
    const used = new Set(['a', 'a-2']);
    assert.equal(fixLine('custom-id-duplicate', '{"custom_id": "a", "body": {}}', { usedIds: used }), '{"custom_id": "a-3", "body": {}}');
    assert.equal(fixLine('custom-id-duplicate', '{"custom_id": "a", "body": {}}', { usedIds: used }), '{"custom_id": "a-4", "body": {}}');
  });

  it('leaves lines it cannot read alone', () => {
    assert.equal(fixLine('unknown-key', '{"messages": ['), null);
    assert.equal(fixLine('tool-description-missing', '[1, 2]'), null);
  });
});
