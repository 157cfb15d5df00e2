/** The download's file writer: exact bytes in order, back-pressure, background syncs, and failures that surface. */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchedFileWriter } from '../../src/util/safeOutput';

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

  /** While set, datasync waits for `releaseSync`; `failSync` makes the next one fail. */
  holdSyncs = false;
  failSync = false;
  private releaseSyncs: Array<() => void> = [];

  async datasync(): Promise<void> {
    this.datasyncCalls++;
    if (this.holdSyncs) await new Promise<void>((resolve) => this.releaseSyncs.push(resolve));
    if (this.failSync) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
  }

  releaseSync(): void {
    for (const release of this.releaseSyncs.splice(0)) release();
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

  it('asks the caller to wait once the limit is queued, and not before', async () => {
    const fake = new FakeHandle();
    fake.holdWrites = true;
    const writer = new BatchedFileWriter(asHandle(fake), 12);
    assert.equal(writer.write(Buffer.alloc(4)), undefined); // goes straight to the disk (held there)
    assert.equal(writer.write(Buffer.alloc(4)), undefined); // 4 bytes wait
    assert.equal(writer.write(Buffer.alloc(7)), undefined); // 11 bytes wait: one under the limit
    const wait = writer.write(Buffer.alloc(1)); // 12 bytes wait: the limit
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

  it('settle waits for a write still on the disk before the file may be closed', async () => {
    const fake = new FakeHandle();
    fake.holdWrites = true;
    const writer = new BatchedFileWriter(asHandle(fake), 1024);
    void writer.write(Buffer.alloc(10));
    let settled = false;
    const settling = writer.settle().then(() => (settled = true));
    await tick();
    assert.equal(settled, false);
    fake.releaseWrite();
    await settling;
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

  it('syncs in the background every so many bytes: writes go on during a sync, flush waits for it', async () => {
    const fake = new FakeHandle();
    fake.holdSyncs = true;
    const writer = new BatchedFileWriter(asHandle(fake), 1024, 100);
    for (let i = 0; i < 4; i++) {
      assert.equal(writer.write(Buffer.alloc(50)), undefined, 'a sync in progress never holds the caller back');
      await tick();
    }
    assert.equal(Buffer.concat(fake.written).length, 200, 'every write reached the disk while the first sync was held');
    assert.equal(fake.datasyncCalls, 1, 'one sync at a time');
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await tick();
    assert.equal(flushed, false, 'flush waits for the sync in progress');
    fake.holdSyncs = false;
    fake.releaseSync();
    await flushing;
  });

  it('a failed background sync fails the download', async () => {
    const fake = new FakeHandle();
    fake.failSync = true;
    const writer = new BatchedFileWriter(asHandle(fake), 1024, 100);
    void writer.write(Buffer.alloc(150));
    await tick();
    await assert.rejects(writer.flush(), /EIO/);
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
