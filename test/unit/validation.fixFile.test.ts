/** `validate --fix`: every quick fix over a whole file, streamed; lines with nothing to fix copied byte for byte; atomic output. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runValidate } from '../../src/cli/validate';
import { capturedRun, type CapturedRun } from './capturedRun';
import { fixFile } from '../../src/validation/fixFile';
import { validateFile } from '../../src/validation/index';

const TOOLS = '"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{}}}}]';
const GOOD = '{"messages": [{"role": "user", "content": "Caf\\u00e9"}, {"role": "assistant", "content": "Oui"}], "prompt_id": "1"}';

function run(argv: string[]): Promise<CapturedRun> {
  return capturedRun((io) => runValidate(argv, io));
}

describe('validation: fix a whole file', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fixfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fixes every kind on every line, keeps the others byte for byte, and the result validates clean', async () => {
    const openAi = `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"","tool_calls":[{"id":"call_8f2KQd1rWmZt","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","content":"r","tool_call_id":"call_8f2KQd1rWmZt"},{"role":"assistant","content":"Hello"},{"role":"user","content":"Bye"}],${TOOLS}}`;
    const noDescription = '{"messages":[{"role":"user","content":[{"type":"text","text":"Hi","lang":"en"}]},{"role":"assistant","content":"Hello"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}';
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${GOOD}\r\n${openAi}\r\n\r\n${noDescription}\r\n${GOOD}`)]));
    const output = join(dir, 'out.jsonl');
    const result = await fixFile(input, output);
    assert.deepEqual(result.byCode, {
      bom: 1,
      'tool-call-id-invalid': 1,
      'tool-calls-empty-content': 1,
      'last-message-not-assistant': 1,
      'blank-line': 1,
      'unknown-key': 1,
      'tool-description-missing': 1,
    });
    const fixedOpenAi = `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"KQd1rWmZt","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","content":"r","tool_call_id":"KQd1rWmZt"},{"role":"assistant","content":"Hello"}],${TOOLS}}`;
    const fixedNoDescription = '{"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]},{"role":"assistant","content":"Hello"}],"tools":[{"type":"function","function":{"name":"f","parameters":{},"description":""}}]}';
    assert.equal(readFileSync(output, 'utf8'), `${GOOD}\r\n${fixedOpenAi}\r\n${fixedNoDescription}\r\n${GOOD}`);
    assert.deepEqual((await validateFile(output)).diagnostics, []);
  });

  it('the CLI fixes in place, says what it did, then validates; --out needs --fix', async () => {
    const path = join(dir, 'requests.jsonl');
    const request = (id: string): string => `{"custom_id": "${id}", "body": {"messages": [{"role": "user", "content": "Hi"}]}}`;
    writeFileSync(path, [request('a'), request('a'), request('a-2')].join('\n') + '\n');
    const { code, stdout } = await run(['--fix', path]);
    assert.equal(code, 0);
    assert.match(stdout, /requests\.jsonl: fixed 1 line \(custom-id-duplicate 1\)/);
    assert.match(stdout, /requests\.jsonl: batch · 3 lines · 3 records · 0 errors · 0 warnings/);
    assert.equal(readFileSync(path, 'utf8'), [request('a'), request('a-3'), request('a-2')].join('\n') + '\n');
    const usage = await run(['--out', join(dir, 'x.jsonl'), path]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--out goes with --fix/);
  });

  it('a failure leaves the destination as it was and no temporary file behind', async () => {
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, `${GOOD}\n\n`);
    // A folder where the file should go: the rename at the end fails, after every line was written.
    const destination = join(dir, 'out.jsonl');
    mkdirSync(destination);
    writeFileSync(join(destination, 'keep.txt'), 'previous');
    await assert.rejects(fixFile(input, destination));
    assert.equal(readFileSync(join(destination, 'keep.txt'), 'utf8'), 'previous');
    assert.deepEqual(readdirSync(dir).sort(), ['in.jsonl', 'out.jsonl']);
  });

  it('a missing input is reported by name and nothing is written', async () => {
    const { code, stderr } = await run(['--fix', '--out', join(dir, 'out.jsonl'), join(dir, 'missing.jsonl')]);
    assert.equal(code, 2);
    assert.match(stderr, /missing\.jsonl: cannot fix: no such file/);
    assert.equal(existsSync(join(dir, 'out.jsonl')), false);
  });

  it('--out naming a pipe is refused before anything is read or written, and stays a pipe', async function () {
    const fifo = join(dir, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      this.skip();
    }
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, `${GOOD}\n\n`);
    const { code, stderr } = await run(['--fix', '--out', fifo, input]);
    assert.equal(code, 2);
    assert.match(stderr, /pipe: --fix writes a file and then validates it; give a regular file name/);
    assert.ok(statSync(fifo).isFIFO(), 'still a pipe');
    assert.equal(readFileSync(input, 'utf8'), `${GOOD}\n\n`);
  });
});
