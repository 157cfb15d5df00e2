/** The download's file writer: exact bytes in order, back-pressure, background syncs, and failures that surface. */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchedFileWriter } from '../../src/api/download';

/** Stands in for a FileHandle: records what reaches the "disk", can write short and can fail. */
class FakeHandle {
  written: Buffer[] = [];
  writeCalls = 0;
  datasyncCalls = 0;
  /** Bytes accepted per writev call, to imitate short writes. */
  maxPerCall = Number.POSITIVE_INFINITY;
  failOnCall: number | undefined;
  private release: (() => void) | undefined;
  holdWrites = false;

  async writev(buffers: Buffer[]): Promise<{ bytesWritten: number }> {
    this.writeCalls++;
    if (this.holdWrites) await new Promise<void>((resolve) => (this.release = resolve));
    if (this.failOnCall === this.writeCalls) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const all = Buffer.concat(buffers);
    const accepted = all.subarray(0, Math.min(all.length, this.maxPerCall));
    this.written.push(Buffer.from(accepted));
    return { bytesWritten: accepted.length };
  }

  async datasync(): Promise<void> {
    this.datasyncCalls++;
  }

  releaseWrite(): void {
    this.release?.();
    this.release = undefined;
  }
}

const asHandle = (fake: FakeHandle): fs.promises.FileHandle => fake as unknown as fs.promises.FileHandle;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('download file writer', function () {
  it('writes every byte in order, completing short writes', async () => {
    const fake = new FakeHandle();
    fake.maxPerCall = 1000; // the "disk" takes under a chunk at a time
    const writer = new BatchedFileWriter(asHandle(fake), 64 * 1024);
    const chunks = Array.from({ length: 50 }, (_, i) => randomBytes(700 + i * 13));
    for (const chunk of chunks) {
      const full = writer.write(chunk);
      if (full) await full;
    }
    await writer.flush();
    assert.deepEqual(Buffer.concat(fake.written), Buffer.concat(chunks));
  });

  it('asks the caller to wait once more than the limit is queued, and not before', async () => {
    const fake = new FakeHandle();
    fake.holdWrites = true;
    const writer = new BatchedFileWriter(asHandle(fake), 10);
    assert.equal(writer.write(Buffer.alloc(4)), undefined); // goes straight to the disk (held there)
    assert.equal(writer.write(Buffer.alloc(4)), undefined); // 4 bytes wait
    const wait = writer.write(Buffer.alloc(8)); // 12 bytes wait: over the limit
    assert.ok(wait instanceof Promise);
    let resumed = false;
    void wait.then(() => (resumed = true));
    await tick();
    assert.equal(resumed, false, 'the caller must stay paused while the disk holds the write');
    fake.releaseWrite();
    await wait;
    assert.equal(resumed, true);
    fake.holdWrites = false;
    fake.releaseWrite();
    await writer.flush();
    assert.equal(Buffer.concat(fake.written).length, 16);
  });

  it('a failed write surfaces on the next write and on flush; settle waits without throwing', async () => {
    const fake = new FakeHandle();
    fake.failOnCall = 1;
    const writer = new BatchedFileWriter(asHandle(fake), 1024);
    void writer.write(Buffer.alloc(10));
    await writer.settle();
    assert.throws(() => writer.write(Buffer.alloc(10)), /ENOSPC/);
    await assert.rejects(writer.flush(), /ENOSPC/);
  });

  it('syncs in the background every so many bytes, so the final sync has little left', async () => {
    const fake = new FakeHandle();
    const writer = new BatchedFileWriter(asHandle(fake), 1024, 100);
    for (let i = 0; i < 10; i++) {
      void writer.write(Buffer.alloc(50));
      await tick();
    }
    await writer.flush();
    assert.ok(fake.datasyncCalls >= 3 && fake.datasyncCalls <= 5, `datasync called ${fake.datasyncCalls} times for 500 bytes`);
  });

  it('on a real file: the content is exact', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
    try {
      const file = path.join(dir, 'out.bin');
      const handle = await fs.promises.open(file, 'w');
      const writer = new BatchedFileWriter(handle, 256 * 1024, 1024 * 1024);
      const chunks = Array.from({ length: 64 }, () => randomBytes(65_536));
      for (const chunk of chunks) {
        const full = writer.write(chunk);
        if (full) await full;
      }
      await writer.flush();
      await handle.close();
      assert.ok(fs.readFileSync(file).equals(Buffer.concat(chunks)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
