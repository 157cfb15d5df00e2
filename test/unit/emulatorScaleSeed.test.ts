/** The emulator's `seedFiles` option: N files over the four purposes, each findable by its own name. */
import * as assert from 'node:assert/strict';
import { MistralClient } from '../../src/api/client';
import { scaleCounts, scaleFileName } from '../emulator/scaleSeed';
import { TEST_API_KEY, startTestEmulator, type TestEmulator } from '../emulator/testSupport';

describe('emulator seedFiles (scale seed)', function () {
  this.timeout(60_000);
  let emulator: TestEmulator;
  let client: MistralClient;

  before(async () => {
    emulator = await startTestEmulator({ seedFiles: 503 });
    client = new MistralClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url });
  });
  after(async () => {
    await client.dispose();
    await emulator.dispose();
  });

  it('splits N over fine-tune, batch, OCR and audio, and every file counts', () => {
    assert.deepEqual([...scaleCounts(503)], [['fine-tune', 202], ['batch', 151], ['ocr', 100], ['audio', 50]]);
  });

  it('lists them with totals per purpose, newest first', async () => {
    const all = await client.files.list({ page: 0, pageSize: 5, includeTotal: true });
    assert.equal(all.total, 503);
    for (const [purpose, count] of scaleCounts(503)) {
      const page = await client.files.list({ purpose, page: 0, pageSize: 100, includeTotal: true });
      assert.equal(page.total, count, purpose);
      const times = page.data.map((f) => f.created_at);
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
    }
  });

  it('finds one file by its name, with real content behind it', async () => {
    const name = scaleFileName('ocr', 42);
    const found = await client.files.list({ search: name, includeTotal: true });
    assert.equal(found.total, 1);
    assert.equal(found.data[0].filename, name);
    const bytes = await client.files.readContent(found.data[0].id);
    assert.equal(bytes.length, found.data[0].bytes);
  });

  it('keeps the seed across a restart of the same data folder without seeding again', async () => {
    const again = await startTestEmulator({ dataDir: emulator.dataDir, seedFiles: 503 });
    const other = new MistralClient({ apiKey: TEST_API_KEY, baseUrl: again.url });
    try {
      assert.equal((await other.files.list({ pageSize: 1, includeTotal: true })).total, 503);
    } finally {
      await other.dispose();
      await again.close();
    }
  });
});
