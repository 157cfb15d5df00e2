/** `batch results --out` naming a FIFO (in-process, against the emulator): written through, never replaced by a file. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/main';
import { FAST_BATCH_RATE, chatLines } from '../emulator/batch/testSupport';
import { startHarness, TEST_KEY, type Harness } from './clientSupport/fixture';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

describe('CLI: special destinations', function () {
  this.timeout(60_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.emulator.batch.configure({ rate: FAST_BATCH_RATE });
  });
  afterEach(async () => {
    await h.close();
  });

  it('batch results --out a FIFO streams the joined results into it and leaves it a FIFO', async function () {
    const fifo = path.join(h.workDir, 'results.pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      this.skip();
    }
    const client = h.client();
    const job = await client.batch.waitFor((await client.batch.create({ requests: chatLines(3), endpoint: '/v1/chat/completions', model: 'mistral-small-latest' })).id);
    assert.equal(job.status, 'SUCCESS');
    const reader = new Promise<string>((resolve, reject) => {
      let text = '';
      fs.createReadStream(fifo).on('data', (chunk) => (text += String(chunk))).on('end', () => resolve(text)).on('error', reject);
    });
    const stderr = new Capture();
    const code = await runCli(['batch', 'results', job.id, '--out', 'results.pipe'], {
      stdout: new Capture(),
      stderr: stderr as unknown as NodeJS.WriteStream,
      env: { MISTRAL_API_KEY: TEST_KEY, MISTRAL_BASE_URL: h.emulator.url },
      cwd: h.workDir,
      signal: new AbortController().signal,
    });
    assert.equal(code, 0, stderr.text);
    const lines = (await reader).trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; status: string });
    assert.equal(lines.length, 3);
    assert.ok(lines.every((line) => line.status === 'succeeded'));
    assert.ok(fs.statSync(fifo).isFIFO(), 'still a FIFO');
    assert.deepEqual(fs.readdirSync(h.workDir), ['results.pipe']);
  });
});
