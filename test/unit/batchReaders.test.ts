/** Which unfinished batch jobs read a file (the warning before a delete), against the emulator over loopback. */
import * as assert from 'node:assert/strict';
import { MistralClient } from '../../src/api/client';
import { unfinishedJobsReading } from '../../src/api/batch/readers';
import { chatLines, createBatchJob, FAST_BATCH_RATE, setBatchSettings, uploadBatchInput, waitForBatchJob } from '../emulator/batch/testSupport';
import { startTestEmulator, TEST_API_KEY, type TestEmulator } from '../emulator/testSupport';

const CHAT = { endpoint: '/v1/chat/completions', model: 'mistral-small-latest' };

describe('batch: unfinished jobs reading a file', () => {
  let emulator: TestEmulator;
  let client: MistralClient;

  before(async () => {
    emulator = await startTestEmulator({ batchRate: FAST_BATCH_RATE });
    client = new MistralClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url });
  });
  after(async () => {
    await client.dispose();
    await emulator.dispose();
  });

  it('names the queued or running jobs that read each file, and not the finished ones or unrelated files', async () => {
    const finishedInput = await uploadBatchInput(emulator.url, chatLines(2, 'done'));
    const finished = (await createBatchJob(emulator.url, { ...CHAT, input_files: [finishedInput] })).json as { id: string };
    await waitForBatchJob(emulator.url, finished.id);

    // Frozen: the next jobs stay QUEUED, as a long job would while a user deletes its input.
    await setBatchSettings(emulator.url, { rate: 0 });
    const shared = await uploadBatchInput(emulator.url, chatLines(2, 'a'));
    const other = await uploadBatchInput(emulator.url, chatLines(2, 'b'));
    const unrelated = await uploadBatchInput(emulator.url, chatLines(2, 'c'));
    const first = (await createBatchJob(emulator.url, { ...CHAT, input_files: [shared] })).json as { id: string };
    const second = (await createBatchJob(emulator.url, { ...CHAT, input_files: [shared, other] })).json as { id: string };
    try {
      const readers = await unfinishedJobsReading(client.batch, [shared, other, unrelated, finishedInput]);
      assert.deepEqual([...readers.keys()].sort(), [other, shared].sort());
      assert.deepEqual(readers.get(shared)?.map((job) => job.id).sort(), [first.id, second.id].sort());
      assert.deepEqual(readers.get(other)?.map((job) => job.id), [second.id]);
      assert.ok(readers.get(shared)?.every((job) => job.status === 'QUEUED'));
      assert.equal((await unfinishedJobsReading(client.batch, [])).size, 0, 'no ids: no request needed');
    } finally {
      await setBatchSettings(emulator.url, { rate: FAST_BATCH_RATE });
    }
    // Both jobs read `shared`: the first can still be running when the second ends.
    await waitForBatchJob(emulator.url, first.id);
    await waitForBatchJob(emulator.url, second.id);
    assert.equal((await unfinishedJobsReading(client.batch, [shared, other])).size, 0, 'once the jobs end nothing reads the files');
  });
});
