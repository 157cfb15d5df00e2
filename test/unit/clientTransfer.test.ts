/** Streaming transfers: atomic downloads under faults and cancellation, cancelled uploads, a 300 MB upload. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asApiError, INSTRUCT_LINE, RecordedSleep, rejectionOf, startHarness, pendingUploads, writeFile, type Harness } from './clientSupport/fixture';

const MB = 1024 * 1024;


/** Names in `dir` other than `keep`: any temp or partial file a download left behind. */
function strayFiles(dir: string, keep: string[]): string[] {
  return fs.readdirSync(dir).filter((name) => !keep.includes(name));
}

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

describe('MistralClient: downloads', function () {
  let h: Harness;
  let fileId: string;
  let content: Buffer;
  beforeEach(async () => {
    h = await startHarness();
    content = Buffer.alloc(4 * MB);
    for (let i = 0; i < content.length; i += 4) content.writeUInt32LE(i, i); // every offset distinct
    const source = writeFile(h.workDir, 'source.bin', content);
    fileId = (await h.client().files.upload(source, { purpose: 'ocr' })).id;
    fs.rmSync(source);
  });
  afterEach(async () => {
    await h.close();
  });

  it('a reset mid-download leaves no partial file and the existing destination untouched', async () => {
    const destination = path.join(h.workDir, 'report.bin');
    fs.writeFileSync(destination, 'previous version');
    h.emulator.faults.add({ method: 'GET', path: '/content$', resetAfterBytes: MB });
    const progress: number[] = [];
    const err = asApiError(
      await rejectionOf(h.client({ retry: { maxRetries: 0 } }).files.downloadToFile(fileId, destination, { onProgress: (p) => progress.push(p.transferred) })),
    );
    assert.equal(err.kind, 'network');
    assert.match(err.message, /was interrupted/);
    assert.ok(progress.length > 0 && progress[progress.length - 1] < content.length, 'bytes had arrived before the reset');
    assert.equal(fs.readFileSync(destination, 'utf8'), 'previous version');
    assert.deepEqual(strayFiles(h.workDir, ['report.bin']), []);
  });

  it('a reset mid-download is retried from the start and the result is exact', async () => {
    const destination = path.join(h.workDir, 'report.bin');
    const sleep = new RecordedSleep();
    h.emulator.faults.add({ method: 'GET', path: '/content$', resetAfterBytes: 3 * MB });
    const result = await h.client({}, { sleep: sleep.sleep }).files.downloadToFile(fileId, destination);
    assert.equal(result.bytes, content.length);
    assert.ok(fs.readFileSync(destination).equals(content));
    assert.equal(sleep.delays.length, 1);
    assert.deepEqual(strayFiles(h.workDir, ['report.bin']), []);
  });

  it('a cancelled download leaves no partial file and the existing destination untouched', async () => {
    const destination = path.join(h.workDir, 'report.bin');
    fs.writeFileSync(destination, 'previous version');
    const controller = new AbortController();
    const pending = h.client().files.downloadToFile(fileId, destination, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.transferred > 0) controller.abort();
      },
    });
    const err = asApiError(await rejectionOf(pending));
    assert.equal(err.kind, 'aborted');
    assert.equal(fs.readFileSync(destination, 'utf8'), 'previous version');
    assert.deepEqual(strayFiles(h.workDir, ['report.bin']), []);
  });

  it('a 503 before the body is retried; readContent and openContent stream the same bytes', async () => {
    const sleep = new RecordedSleep();
    const client = h.client({}, { sleep: sleep.sleep });
    h.emulator.faults.add({ method: 'GET', path: '/content$', status: 503 });
    assert.ok(Buffer.from(await client.files.readContent(fileId)).equals(content));
    const opened = await client.files.openContent(fileId);
    const chunks: Buffer[] = [];
    for await (const chunk of opened.body) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(content));
    assert.equal(sleep.delays.length, 1);
  });

  it('openContent with progress does not start the flow before the caller reads', async () => {
    const seen: number[] = [];
    const opened = await h.client().files.openContent(fileId, { onProgress: (p) => seen.push(p.transferred) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const chunks: Buffer[] = [];
    for await (const chunk of opened.body) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(content));
    assert.equal(seen[seen.length - 1], content.length);
  });

  it('a destination name of 255 bytes (the most a file system allows) downloads: its temp name still fits', async () => {
    const name = `${'é'.repeat(125)}.bin`; // 250 + 4 bytes in UTF-8, under the 255-byte limit
    assert.equal(Buffer.byteLength(name), 254);
    const destination = path.join(h.workDir, name);
    await h.client({ retry: { maxRetries: 0 } }).files.downloadToFile(fileId, destination);
    assert.ok(fs.readFileSync(destination).equals(content));
    assert.deepEqual(strayFiles(h.workDir, [name]), []);
  });

  it('a local failure to write is reported as such, once: it is not a network error and is not retried', async () => {
    const folder = path.join(h.workDir, 'gone');
    fs.mkdirSync(folder);
    const sleep = new RecordedSleep();
    // The folder disappears while the answer is on its way, after the destination was checked.
    h.emulator.faults.add({ method: 'GET', path: '/content$', delayMs: 300 });
    const pending = h.client({}, { sleep: sleep.sleep }).files.downloadToFile(fileId, path.join(folder, 'x.bin'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    fs.rmSync(folder, { recursive: true });
    const err = asApiError(await rejectionOf(pending));
    assert.equal(err.kind, 'invalid-request');
    assert.match(err.message, /^Cannot save to .*x\.bin: .*ENOENT/);
    assert.deepEqual(sleep.delays, []);
  });

  it('restarts after a broken body share one retry budget with the request\'s own retries', async () => {
    const sleep = new RecordedSleep();
    h.emulator.faults.add({ method: 'GET', path: '/content$', resetAfterBytes: MB });
    h.emulator.faults.add({ method: 'GET', path: '/content$', status: 503, count: 5 });
    const err = asApiError(await rejectionOf(h.client({ retry: { maxRetries: 2 } }, { sleep: sleep.sleep }).files.downloadToFile(fileId, path.join(h.workDir, 'x.bin'))));
    assert.equal(err.status, 503);
    assert.equal(sleep.delays.length, 2, 'maxRetries 2: three attempts in all, whatever failed in each');
  });

  it('refuses a destination that is a folder or whose folder does not exist, before any request', async () => {
    const client = h.client();
    assert.match(asApiError(await rejectionOf(client.files.downloadToFile(fileId, h.workDir))).message, /it is a folder/);
    assert.match(
      asApiError(await rejectionOf(client.files.downloadToFile(fileId, path.join(h.workDir, 'no-such', 'x.bin')))).message,
      /does not exist/,
    );
  });
});

describe('MistralClient: uploads', function () {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('cancelling mid-upload leaves nothing on the server', async () => {
    const local = path.join(h.workDir, 'big.jsonl');
    fs.writeFileSync(local, INSTRUCT_LINE.repeat(Math.ceil((32 * MB) / INSTRUCT_LINE.length)));
    const controller = new AbortController();
    let sentAtAbort = 0;
    const pending = h.client().files.upload(local, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.transferred >= 2 * MB && !controller.signal.aborted) {
          sentAtAbort = p.transferred;
          controller.abort();
        }
      },
    });
    const err = asApiError(await rejectionOf(pending));
    assert.equal(err.kind, 'aborted');
    assert.ok(sentAtAbort > 0 && sentAtAbort < fs.statSync(local).size, 'the abort happened mid-body');
    await eventually(() => pendingUploads(h.dataDir).length === 0, 'the emulator to discard the partial upload');
    assert.deepEqual((await h.client().files.list()).data, []);
  });

  it('a connection reset mid-upload is not retried and stores nothing', async () => {
    const local = path.join(h.workDir, 'u.bin');
    fs.writeFileSync(local, Buffer.alloc(3 * MB, 9));
    const sleep = new RecordedSleep();
    h.emulator.faults.add({ method: 'POST', resetAfterBytes: MB });
    const err = asApiError(await rejectionOf(h.client({}, { sleep: sleep.sleep }).files.upload(local, { purpose: 'ocr' })));
    assert.equal(err.kind, 'network');
    assert.deepEqual(sleep.delays, []);
    await eventually(() => pendingUploads(h.dataDir).length === 0, 'the emulator to discard the partial upload');
    assert.deepEqual((await h.client().files.list()).data, []);
  });

  it('an upload aborted before it starts sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = asApiError(await rejectionOf(h.client().files.upload(writeFile(h.workDir, 'a.jsonl', INSTRUCT_LINE), { signal: controller.signal })));
    assert.equal(err.kind, 'aborted');
  });

  it('uploads a 300 MB file with progress reaching exactly 100%', async function () {
    this.timeout(180_000);
    const local = path.join(h.workDir, 'three-hundred.bin');
    fs.writeFileSync(local, '');
    fs.truncateSync(local, 300 * MB); // sparse: read as zeros, no disk used for the source
    let last = { transferred: -1, total: undefined as number | undefined };
    let updates = 0;
    const file = await h.client().files.upload(local, {
      purpose: 'ocr',
      onProgress: (p) => {
        assert.ok(p.transferred >= last.transferred, 'progress never goes backwards');
        last = p;
        updates++;
      },
    });
    assert.equal(file.bytes, 300 * MB);
    assert.deepEqual(last, { transferred: 300 * MB, total: 300 * MB });
    assert.ok(updates > 100, `progress was reported along the way (${updates} updates)`);
  });
});
