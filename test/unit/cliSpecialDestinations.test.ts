/** `batch results --out` naming a FIFO (in-process, against the emulator): written through, never replaced by a file. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAST_BATCH_RATE, chatLines } from '../emulator/batch/testSupport';
import { runCliIn, startHarness, TEST_KEY, type Harness } from './clientSupport/fixture';

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
    const outputs: string[] = [];
    const run = await runCliIn(h, ['batch', 'results', job.id, '--out', 'results.pipe'], outputs);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!outputs.some((text) => text.includes(TEST_KEY)));
    const lines = (await reader).trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; status: string });
    assert.equal(lines.length, 3);
    assert.ok(lines.every((line) => line.status === 'succeeded'));
    assert.ok(fs.statSync(fifo).isFIFO(), 'still a FIFO');
    assert.deepEqual(fs.readdirSync(h.workDir), ['results.pipe']);
  });
});
