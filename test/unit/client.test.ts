/** MistralClient against the emulator over real HTTP on loopback: every operation, error text and retry rule. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { MistralClient } from '../../src/api/client';
import type { MistralFile } from '../../src/api/files/types';
import {
  asApiError,
  INSTRUCT_LINE,
  RecordedSleep,
  RecordingLogger,
  rejectionOf,
  startHarness,
  TEST_KEY,
  writeFile,
  type Harness,
} from './clientSupport/fixture';
import { startScriptedServer } from './clientSupport/proxies';


describe('MistralClient: operations', function () {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('uploads, lists, retrieves, signs, reads, downloads and deletes a file', async () => {
    const client = h.client();
    const content = INSTRUCT_LINE.repeat(3);
    const local = writeFile(h.workDir, 'train.jsonl', content);
    const file = await client.files.upload(local, { purpose: 'fine-tune' });
    assert.equal(file.filename, 'train.jsonl');
    assert.equal(file.bytes, Buffer.byteLength(content));
    assert.equal(file.purpose, 'fine-tune');
    assert.equal(file.sample_type, 'instruct');
    assert.equal(file.num_lines, 3);
    assert.equal(file.object, 'file');

    const list = await client.files.list();
    assert.deepEqual(list.data.map((f) => f.id), [file.id]);
    assert.equal(list.total, 1);

    const retrieved = await client.files.retrieve(file.id);
    assert.equal(retrieved.deleted, false);
    assert.equal(retrieved.id, file.id);

    const signed = await client.files.getSignedUrl(file.id, 2);
    const viaUrl = await request(signed.url);
    assert.equal(viaUrl.statusCode, 200);
    assert.equal(await viaUrl.body.text(), content);

    assert.equal(Buffer.from(await client.files.readContent(file.id)).toString('utf8'), content);

    const opened = await client.files.openContent(file.id);
    assert.equal(opened.size, Buffer.byteLength(content));
    const chunks: Buffer[] = [];
    for await (const chunk of opened.body) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString('utf8'), content);

    const destination = path.join(h.workDir, 'copy.jsonl');
    assert.deepEqual(await client.files.downloadToFile(file.id, destination), { bytes: Buffer.byteLength(content) });
    assert.equal(fs.readFileSync(destination, 'utf8'), content);

    const deleted = await client.files.delete(file.id);
    assert.deepEqual(deleted, { id: file.id, object: 'file', deleted: true });
    assert.equal((await client.files.list()).data.length, 0);
  });

  it('sends purpose, visibility and expiry, and filters the list by purpose, search and page', async () => {
    const client = h.client();
    const batch = await client.files.upload(writeFile(h.workDir, 'requests.jsonl', '{"custom_id":"1","body":{}}\n'), {
      purpose: 'batch',
      visibility: 'user',
      expiry: 24,
    });
    assert.equal(batch.purpose, 'batch');
    assert.equal(batch.sample_type, 'batch_request');
    assert.equal(batch.visibility, 'user');
    assert.equal(typeof batch.expires_at, 'number');
    const tune = await client.files.upload(writeFile(h.workDir, 'tune.jsonl', INSTRUCT_LINE), { purpose: 'fine-tune' });

    assert.deepEqual((await client.files.list({ purpose: 'batch' })).data.map((f) => f.id), [batch.id]);
    assert.deepEqual((await client.files.list({ search: 'tune' })).data.map((f) => f.id), [tune.id]);
    assert.deepEqual((await client.files.list({ sampleType: ['instruct', 'pretrain'] })).data.map((f) => f.id), [tune.id]);
    const firstPage = await client.files.list({ page: 0, pageSize: 1 });
    const secondPage = await client.files.list({ page: 1, pageSize: 1 });
    assert.equal(firstPage.data.length, 1);
    assert.equal(secondPage.data.length, 1);
    assert.notEqual(firstPage.data[0].id, secondPage.data[0].id);
  });

  it('sends a remote name with quotes and non-ASCII characters as RFC 7578 / HTML forms do', async () => {
    const client = h.client();
    const file = await client.files.upload(writeFile(h.workDir, 'local.jsonl', INSTRUCT_LINE), { filename: 'données "v2"\r\n.jsonl' });
    // Raw UTF-8 in filename="…"; `"`, CR and LF percent-escaped so they cannot end the parameter or the header.
    assert.equal(file.filename, 'données %22v2%22%0D%0A.jsonl');
  });

  it('reports upload progress up to exactly the file size', async () => {
    const client = h.client();
    const local = path.join(h.workDir, 'three-mb.bin');
    fs.writeFileSync(local, Buffer.alloc(3 * 1024 * 1024 + 17, 7));
    const seen: Array<{ transferred: number; total: number | undefined }> = [];
    await client.files.upload(local, { purpose: 'ocr', onProgress: (p) => seen.push(p) });
    assert.ok(seen.length >= 3, 'progress is reported while the file is sent, not only at the end');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].transferred >= seen[i - 1].transferred);
    assert.deepEqual(seen[seen.length - 1], { transferred: 3 * 1024 * 1024 + 17, total: 3 * 1024 * 1024 + 17 });
  });
});

describe('MistralClient: request shape and response parsing', function () {
  it('sends an exact Content-Length for the multipart body, never chunked', async () => {
    const fileJson = { id: 'f1', object: 'file', bytes: 5, created_at: 1, filename: 'a.jsonl', purpose: 'batch', sample_type: 'batch_request', source: 'upload' };
    const server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fileJson));
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-cl-'));
    try {
      const local = writeFile(dir, 'a.jsonl', Buffer.alloc(2 * 1024 * 1024 + 3, 65));
      const client = new MistralClient({ apiKey: TEST_KEY, baseUrl: server.url });
      await client.files.upload(local, { purpose: 'batch', visibility: 'workspace', expiry: 3 });
      await client.dispose();
      const headers = server.headers[0];
      assert.equal(headers['transfer-encoding'], undefined);
      const declared = Number(headers['content-length']);
      assert.match(String(headers['content-type']), /^multipart\/form-data; boundary=/);
      assert.equal(server.seen[0], 'POST /v1/files');
      assert.equal(declared, server.bodyLengths[0], 'Content-Length equals the bytes actually sent');
      assert.ok(declared > 2 * 1024 * 1024 + 3, 'the length covers the fields and boundaries too');
      assert.equal(headers.authorization, `Bearer ${TEST_KEY}`);
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps unknown enum values as strings and tolerates bytes: null; rejects answers missing required fields', async () => {
    const future = { id: 'f2', object: 'file', bytes: null, created_at: 1759500189, filename: 'x.wav', purpose: 'speech-2030', sample_type: 'hologram', source: 'time-machine', deleted: false };
    let answer: unknown = { data: [future], object: 'list', total: 1 };
    const server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
    });
    const client = new MistralClient({ apiKey: TEST_KEY, baseUrl: server.url, retry: { maxRetries: 0 } });
    try {
      const list = await client.files.list();
      const file: MistralFile = list.data[0];
      assert.equal(file.purpose, 'speech-2030');
      assert.equal(file.sample_type, 'hologram');
      assert.equal(file.source, 'time-machine');
      assert.equal(file.bytes, null);
      assert.equal(file.num_lines, null);

      answer = { data: [{ ...future, filename: undefined }], object: 'list' };
      const missing = asApiError(await rejectionOf(client.files.list()));
      assert.equal(missing.kind, 'http');
      assert.match(missing.message, /unexpected answer to GET \/v1\/files: list entry 0 has no "filename" string/);

      answer = '<html>Welcome to the captive portal</html>';
      const html = asApiError(await rejectionOf(client.files.retrieve('abc')));
      assert.match(html.message, /unexpected answer .*not JSON/);

      answer = { url: 'javascript:alert(1)' };
      assert.match(asApiError(await rejectionOf(client.files.getSignedUrl('abc'))).message, /not an http\(s\) URL/);
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});

describe('MistralClient: errors', function () {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('401 reads "Invalid API key (401)" and carries the request id', async () => {
    h = await startHarness();
    const err = asApiError(await rejectionOf(h.client({ apiKey: 'sk-wrong-key-000000' }).files.list()));
    assert.equal(err.message, 'Invalid API key (401)');
    assert.equal(err.status, 401);
    assert.equal(err.apiMessage, 'Unauthorized');
    assert.match(err.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('404 reads "File not found" for every per-file operation', async () => {
    h = await startHarness();
    const client = h.client();
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const call of [
      () => client.files.retrieve(missing),
      () => client.files.delete(missing),
      () => client.files.readContent(missing),
      () => client.files.getSignedUrl(missing),
      () => client.files.downloadToFile(missing, path.join(h.workDir, 'never.bin')),
    ]) {
      const err = asApiError(await rejectionOf(call()));
      assert.equal(err.message, 'File not found');
      assert.equal(err.status, 404);
    }
    assert.equal(fs.existsSync(path.join(h.workDir, 'never.bin')), false);
  });

  it('413 from the service says the file is too large', async () => {
    h = await startHarness({ maxUploadBytes: 1024 * 1024 });
    // Just over the limit: the emulator reads the whole body, then answers 413 (see the report on early answers).
    const local = path.join(h.workDir, 'just-over.bin');
    fs.writeFileSync(local, Buffer.alloc(1024 * 1024 + 1000, 1));
    const err = asApiError(await rejectionOf(h.client().files.upload(local, { purpose: 'ocr' })));
    assert.equal(err.status, 413);
    assert.match(err.message, /^Mistral refused the file as too large \(413\)/);
    assert.deepEqual((await h.client().files.list()).data, []);
  });

  it('422 lists each field with its message', async () => {
    h = await startHarness();
    const local = writeFile(h.workDir, 'x.jsonl', INSTRUCT_LINE);
    const err = asApiError(await rejectionOf(h.client().files.upload(local, { purpose: 'homework', visibility: 'everyone' })));
    assert.equal(err.status, 422);
    assert.match(err.message, /^Mistral rejected the request \(422\): /);
    assert.match(err.message, /visibility: Input should be 'workspace' or 'user'/);
    assert.match(err.message, /purpose: Input should be /);
  });

  it('refuses a file over 512 MB before connecting, with "File is 600 MB; the limit is 512 MB"', async () => {
    const server = await startScriptedServer((_req, res) => res.writeHead(500).end());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-big-'));
    const local = path.join(dir, 'huge.jsonl');
    fs.writeFileSync(local, '');
    fs.truncateSync(local, 600 * 1024 * 1024); // sparse: no disk used
    const client = new MistralClient({ apiKey: TEST_KEY, baseUrl: server.url });
    try {
      const err = asApiError(await rejectionOf(client.files.upload(local)));
      assert.equal(err.kind, 'invalid-request');
      assert.equal(err.message, 'File is 600 MB; the limit is 512 MB');
      assert.equal(server.connections(), 0);
    } finally {
      await client.dispose();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      h = { close: async () => undefined } as Harness;
    }
  });

  it('validates signed-URL expiry (1..168 whole hours) locally', async () => {
    h = await startHarness();
    const logger = new RecordingLogger();
    const client = h.client({ logger });
    for (const hours of [0, 169, 1.5, Number.NaN]) {
      const err = asApiError(await rejectionOf(client.files.getSignedUrl('00000000-0000-4000-8000-000000000000', hours)));
      assert.equal(err.kind, 'invalid-request');
      assert.match(err.message, /1 to 168 hours/);
    }
    assert.equal(logger.lines.length, 0, 'no request was sent');
  });

  it('a missing key is a local error, not a 401', async () => {
    h = await startHarness();
    const err = asApiError(await rejectionOf(h.client({ apiKey: () => undefined }).files.list()));
    assert.equal(err.kind, 'invalid-request');
    assert.equal(err.message, 'No Mistral API key is set');
  });
});

describe('MistralClient: retries', function () {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('retries 503 with full-jitter backoff, then succeeds, and logs one line with the retry count', async () => {
    const sleep = new RecordedSleep();
    const logger = new RecordingLogger();
    const client = h.client({ logger, retry: { initialDelayMs: 400, multiplier: 2 } }, { sleep: sleep.sleep, random: () => 0.5 });
    h.emulator.faults.add({ method: 'GET', path: '^/v1/files$', status: 503, count: 2 });
    assert.deepEqual((await client.files.list()).data, []);
    assert.deepEqual(sleep.delays, [200, 400]); // 0.5 × 400 × 2^n
    const infos = logger.lines.filter((l) => l.level === 'info');
    assert.equal(infos.length, 1);
    assert.match(infos[0].message, /^GET \/v1\/files 200 in \d+ ms after 2 retries$/);
    assert.equal(logger.lines.filter((l) => l.level === 'debug').length, 2);
  });

  it('honours Retry-After as the minimum wait', async () => {
    const sleep = new RecordedSleep();
    const client = h.client({}, { sleep: sleep.sleep, random: () => 0 });
    h.emulator.faults.add({ method: 'GET', status: 429, retryAfterSeconds: 3 });
    await client.files.list();
    assert.equal(sleep.delays.length, 1);
    assert.ok(sleep.delays[0] >= 3000, `waited ${sleep.delays[0]} ms`);
  });

  it('stops at maxRetries and reports the last status', async () => {
    const sleep = new RecordedSleep();
    const client = h.client({ retry: { maxRetries: 2 } }, { sleep: sleep.sleep });
    h.emulator.faults.add({ method: 'GET', status: 500, count: 10 });
    const err = asApiError(await rejectionOf(client.files.list()));
    assert.equal(err.status, 500);
    assert.match(err.message, /internal error \(500\)/);
    assert.equal(sleep.delays.length, 2);
  });

  it('stops when the next wait would pass maxElapsedMs', async () => {
    let now = 0;
    const delays: number[] = [];
    const client = h.client(
      { retry: { maxRetries: 10, initialDelayMs: 400, multiplier: 1, maxElapsedMs: 1000 } },
      { random: () => 1, now: () => now, sleep: async (ms) => void (delays.push(ms), (now += ms)) },
    );
    h.emulator.faults.add({ method: 'GET', status: 502, count: 10 });
    const err = asApiError(await rejectionOf(client.files.list()));
    assert.equal(err.status, 502);
    assert.deepEqual(delays, [400, 400]);
  });

  it('does not wait past maxDelayMs for a long Retry-After: fails with the wait in the message', async () => {
    const sleep = new RecordedSleep();
    const client = h.client({ retry: { maxDelayMs: 10_000 } }, { sleep: sleep.sleep });
    h.emulator.faults.add({ method: 'GET', status: 429, retryAfterSeconds: 60 });
    const err = asApiError(await rejectionOf(client.files.list()));
    assert.equal(err.message, 'Rate limited by Mistral (429); try again in a minute');
    assert.equal(err.retryAfterMs, 60_000);
    assert.deepEqual(sleep.delays, []);
  });

  it('retries DELETE and downloads too', async () => {
    const sleep = new RecordedSleep();
    const client = h.client({}, { sleep: sleep.sleep });
    const file = await client.files.upload(writeFile(h.workDir, 'd.jsonl', INSTRUCT_LINE));
    h.emulator.faults.add({ method: 'GET', path: '/content$', status: 504 });
    assert.equal(Buffer.from(await client.files.readContent(file.id)).toString(), INSTRUCT_LINE);
    h.emulator.faults.add({ method: 'DELETE', status: 503 });
    assert.equal((await client.files.delete(file.id)).deleted, true);
    assert.equal(sleep.delays.length, 2);
  });

  it('does not retry an upload once body bytes were sent (500 after the body: the file may be stored)', async () => {
    const sleep = new RecordedSleep();
    const client = h.client({}, { sleep: sleep.sleep });
    h.emulator.faults.add({ method: 'POST', status: 500 });
    const err = asApiError(await rejectionOf(client.files.upload(writeFile(h.workDir, 'u.jsonl', INSTRUCT_LINE))));
    assert.equal(err.status, 500);
    assert.deepEqual(sleep.delays, []);
  });

  it('retries an upload whose connection was refused before any byte was sent', async () => {
    // Reserve a free port, leave it closed (connection refused), and open a forwarder on it during the wait.
    const net = await import('node:net');
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as import('node:net').AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    let forwarder: import('node:net').Server | undefined;
    const delays: number[] = [];
    const client = h.client({ baseUrl: `http://127.0.0.1:${port}` }, {
      sleep: async (ms) => {
        delays.push(ms);
        if (forwarder) return;
        forwarder = net.createServer((socket) => {
          const upstream = net.connect(h.emulator.port, '127.0.0.1');
          socket.pipe(upstream).pipe(socket);
          socket.on('error', () => upstream.destroy());
          upstream.on('error', () => socket.destroy());
        });
        await new Promise<void>((resolve) => forwarder!.listen(port, '127.0.0.1', resolve));
      },
    });
    try {
      const file = await client.files.upload(writeFile(h.workDir, 'r.jsonl', INSTRUCT_LINE));
      assert.equal(file.filename, 'r.jsonl');
      assert.equal(delays.length, 1);
    } finally {
      await client.dispose();
      await new Promise<void>((resolve) => (forwarder ? forwarder.close(() => resolve()) : resolve()));
    }
  });

  it('a retry wait ends at once when the caller aborts', async () => {
    const client = h.client({ retry: { maxDelayMs: 60_000 } });
    h.emulator.faults.add({ method: 'GET', status: 429, retryAfterSeconds: 30 });
    const controller = new AbortController();
    const pending = client.files.list({}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const err = asApiError(await rejectionOf(pending));
    assert.equal(err.kind, 'aborted');
  });
});
