/** Uploads to the emulator: dedup, the size limit, aborted uploads, streaming metadata, persistence. */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { JsonlSniffer } from '../emulator/fileTypes';
import { startEmulator } from '../emulator/server';
import { call, eventually, multipart, startTestEmulator, storedFiles, TEST_API_KEY, upload, type TestEmulator } from '../emulator/testSupport';

describe('emulator: uploads', () => {
  describe('deduplication', () => {
    let emulator: TestEmulator;
    before(async () => { emulator = await startTestEmulator(); });
    after(async () => { await emulator.dispose(); });

    it('the same content under the same name and purpose returns the existing file', async () => {
      const content = '{"text":"same"}\n';
      const first = (await upload(emulator.url, { filename: 'dup.jsonl', content, purpose: 'fine-tune' })).json;
      const again = (await upload(emulator.url, { filename: 'dup.jsonl', content, purpose: 'fine-tune' })).json;
      assert.deepEqual(again, first);
      const otherName = (await upload(emulator.url, { filename: 'dup-2.jsonl', content, purpose: 'fine-tune' })).json;
      const otherContent = (await upload(emulator.url, { filename: 'dup.jsonl', content: '{"text":"other"}\n', purpose: 'fine-tune' })).json;
      const otherPurpose = (await upload(emulator.url, { filename: 'dup.jsonl', content, purpose: 'batch' })).json;
      const ids = new Set([first.id, otherName.id, otherContent.id, otherPurpose.id]);
      assert.equal(ids.size, 4);
      assert.equal((await call(emulator.url, '/v1/files')).json.total, 4);
      assert.equal((await storedFiles(emulator.dataDir)).blobs.length, 4, 'the duplicate left no second blob');
    });
  });

  describe('size limit', () => {
    const limit = 1000;
    let emulator: TestEmulator;
    before(async () => { emulator = await startTestEmulator({ maxUploadBytes: limit }); });
    after(async () => { await emulator.dispose(); });

    const assertNothingStored = async (): Promise<void> => {
      assert.deepEqual(await storedFiles(emulator.dataDir), { tmp: [], blobs: [] });
      assert.equal((await call(emulator.url, '/v1/files')).json.total, 0);
    };

    it('accepts a file of exactly the limit', async () => {
      const res = await upload(emulator.url, { filename: 'edge.bin', content: randomBytes(limit), purpose: 'ocr' });
      assert.equal(res.status, 200);
      assert.equal(res.json.bytes, limit);
      assert.equal((await call(emulator.url, `/v1/files/${res.json.id}`, { method: 'DELETE' })).status, 200);
    });

    it('refuses a declared Content-Length over the limit with 413 and a Mistral-shaped body', async () => {
      const res = await upload(emulator.url, { filename: 'big.bin', content: randomBytes(100 * limit), purpose: 'ocr' });
      assert.equal(res.status, 413);
      assert.deepEqual(Object.keys(res.json), ['object', 'message', 'type', 'param', 'code']);
      assert.equal(res.json.object, 'error');
      assert.match(res.json.message, /too large/i);
      await assertNothingStored();
    });

    it('with Expect: 100-continue, an oversized upload is refused before the client sends its body', async () => {
      const outcome = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const req = http.request(`${emulator.url}/v1/files`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'multipart/form-data; boundary=b1', 'content-length': String(10 * 1024 * 1024), expect: '100-continue' },
        });
        req.on('continue', () => { continued = true; req.destroy(); });
        req.on('response', (res) => { res.resume(); resolve({ status: res.statusCode ?? 0, continued }); req.destroy(); });
        req.on('error', (err) => { if (!continued) reject(err); });
        req.flushHeaders();
      });
      assert.deepEqual(outcome, { status: 413, continued: false });
    });

    it('refuses a chunked body whose file part grows past the limit, keeping no partial data', async () => {
      const form = multipart([{ name: 'purpose', value: 'ocr' }, { name: 'file', filename: 'stream.bin', content: randomBytes(limit + 1) }]);
      const chunks = [form.body.subarray(0, 300), form.body.subarray(300)];
      const res = await request(`${emulator.url}/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': form.contentType },
        body: Readable.from(chunks),
      });
      assert.equal(res.statusCode, 413);
      assert.equal(((await res.body.json()) as { object: string }).object, 'error');
      await assertNothingStored();
    });
  });

  describe('aborted upload', () => {
    let emulator: TestEmulator;
    before(async () => { emulator = await startTestEmulator(); });
    after(async () => { await emulator.dispose(); });

    it('a client that goes away mid-body leaves no file record and no partial data', async () => {
      const form = multipart([{ name: 'purpose', value: 'fine-tune' }, { name: 'file', filename: 'half.jsonl', content: Buffer.alloc(4 * 1024 * 1024, 'x') }]);
      const req = http.request(`${emulator.url}/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': form.contentType, 'content-length': String(form.body.length) },
      });
      req.on('error', () => undefined);
      req.write(form.body.subarray(0, 1024 * 1024));
      const started = await eventually(async () => (await storedFiles(emulator.dataDir)).tmp.length === 1);
      assert.ok(started, 'the emulator began writing the upload to a temp file');
      req.destroy();
      assert.ok(await eventually(async () => (await storedFiles(emulator.dataDir)).tmp.length === 0), 'the partial temp file is deleted');
      assert.deepEqual((await storedFiles(emulator.dataDir)).blobs, []);
      assert.equal((await call(emulator.url, '/v1/files')).json.total, 0);
    });
  });

  describe('malformed multipart', () => {
    let emulator: TestEmulator;
    before(async () => { emulator = await startTestEmulator(); });
    after(async () => { await emulator.dispose(); });

    it('a body cut before its closing boundary, or without a boundary, is 400 and stores nothing', async () => {
      const unterminated = '--b1\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n\r\n' + 'x'.repeat(100_000);
      const cases: [string, string][] = [
        ['multipart/form-data; boundary=b1', unterminated],
        ['multipart/form-data', 'no boundary at all'],
      ];
      for (const [contentType, body] of cases) {
        const res = await call(emulator.url, '/v1/files', { method: 'POST', body, headers: { 'content-type': contentType } });
        assert.equal(res.status, 400, contentType);
        assert.deepEqual(res.json, { detail: 'There was an error parsing the body' });
      }
      assert.deepEqual(await storedFiles(emulator.dataDir), { tmp: [], blobs: [] });
    });
  });

  describe('streaming metadata', () => {
    it('counts lines and sniffs the first line the same whatever the chunking', () => {
      const text = '\n\n{"text":"first"}\n' + Array.from({ length: 500 }, (_, i) => `{"text":"line ${i}"}`).join('\n');
      const bytes = Buffer.from(text);
      for (const chunkSize of [1, 2, 7, 64, 4096, bytes.length]) {
        const sniffer = new JsonlSniffer();
        for (let i = 0; i < bytes.length; i += chunkSize) sniffer.update(bytes.subarray(i, i + chunkSize));
        assert.equal(sniffer.numLines, 503, `chunk ${chunkSize}`);
        assert.equal(sniffer.firstLine, '{"text":"first"}', `chunk ${chunkSize}`);
      }
    });

    it('a multi-megabyte JSONL upload keeps its exact bytes, hash and line count', async () => {
      const emulator = await startTestEmulator();
      try {
        const lines = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `q${i} ${'x'.repeat(i % 97)}` }, { role: 'assistant', content: 'a' }] }));
        const content = Buffer.from(lines.join('\n') + '\n');
        const res = await upload(emulator.url, { filename: 'many.jsonl', content, purpose: 'fine-tune' });
        assert.equal(res.json.num_lines, 20000);
        assert.equal(res.json.bytes, content.length);
        assert.equal(res.json.sample_type, 'instruct');
        assert.equal(res.json.signature, createHash('sha256').update(content).digest('hex').slice(0, 16));
        assert.ok((await call(emulator.url, `/v1/files/${res.json.id}/content`)).body.equals(content));
      } finally {
        await emulator.dispose();
      }
    });
  });

  describe('persistence', () => {
    it('a restart on the same data directory sees the same files, contents and signed URLs', async () => {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulator-persist-'));
      try {
        const first = await startEmulator({ dataDir, apiKey: TEST_API_KEY });
        const kept = (await upload(first.url, { filename: 'kept.jsonl', content: '{"text":"kept"}\n' })).json;
        const dropped = (await upload(first.url, { filename: 'dropped.jsonl', content: '{"text":"dropped"}\n' })).json;
        await call(first.url, `/v1/files/${dropped.id}`, { method: 'DELETE' });
        const signedPath = new URL((await call(first.url, `/v1/files/${kept.id}/url`)).json.url);
        const listedBefore = (await call(first.url, '/v1/files')).json;
        await first.close();

        const entries = await fs.readdir(dataDir);
        assert.deepEqual(entries.filter((name) => name.endsWith('.tmp')), [], 'no temp metadata left behind');
        JSON.parse(await fs.readFile(path.join(dataDir, 'metadata.json'), 'utf8'));

        const second = await startEmulator({ dataDir, apiKey: TEST_API_KEY });
        try {
          assert.deepEqual((await call(second.url, '/v1/files')).json, listedBefore);
          assert.equal((await call(second.url, `/v1/files/${kept.id}/content`)).body.toString(), '{"text":"kept"}\n');
          assert.equal((await call(second.url, `/v1/files/${dropped.id}`)).status, 404);
          const blob = await call(second.url, `${signedPath.pathname}${signedPath.search}`, { apiKey: null });
          assert.equal(blob.status, 200);
          assert.equal(blob.body.toString(), '{"text":"kept"}\n');
        } finally {
          await second.close();
        }
      } finally {
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    });

    it('concurrent uploads all survive a restart (metadata writes are serialised and atomic)', async () => {
      const emulator = await startTestEmulator();
      const uploads = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        upload(emulator.url, { filename: `parallel-${i}.jsonl`, content: `{"text":"${i}"}\n` })));
      assert.ok(uploads.every((res) => res.status === 200));
      await emulator.close();
      const again = await startEmulator({ dataDir: emulator.dataDir, apiKey: TEST_API_KEY });
      try {
        const listed = (await call(again.url, '/v1/files')).json;
        assert.deepEqual(listed.data.map((f: { id: string }) => f.id).sort(), uploads.map((res) => res.json.id).sort());
      } finally {
        await again.close();
        await emulator.dispose();
      }
    });

    it('demo seeding happens only into an empty store', async () => {
      const emulator = await startTestEmulator({ seed: 'demo' });
      const seededTotal = (await call(emulator.url, '/v1/files')).json.total;
      assert.ok(seededTotal >= 8);
      await emulator.close();
      const again = await startEmulator({ dataDir: emulator.dataDir, apiKey: TEST_API_KEY, seed: 'demo' });
      try {
        assert.equal((await call(again.url, '/v1/files')).json.total, seededTotal);
      } finally {
        await again.close();
        await emulator.dispose();
      }
    });
  });
});
