/**
 * The core client against a hostile or broken server (test/unit/hostileSupport): what comes from the network is
 * masked and bounded, a server that never finishes is cut by a deadline, lost answers and refusals are judged by
 * what they mean for the file, and credentials in URLs never surface.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// The module object itself (not a namespace copy), so the test can stand in for the system resolver.
import dns, { type LookupAddress } from 'node:dns';
import { MistralClient } from '../../src/api/client';
import { loopbackLookup } from '../../src/api/core/endpoint';
import { MAX_JSON_BODY_BYTES } from '../../src/api/core/connection';
import { writeAtomically } from '../../src/api/files/download';
import { removeLiveTempFilesSync } from '../../src/util/safeOutput';
import { allTextOf, asApiError, RecordedSleep, RecordingLogger, rejectionOf, TEST_KEY } from './clientSupport/fixture';
import { selfSignedCertificate } from './clientSupport/proxies';
import {
  afterBody,
  fileObject,
  hugeJson,
  resetAfter,
  sendJson,
  silence,
  startHostileServer,
  trickle,
  type HostileServer,
} from './hostileSupport/hostileServer';

describe('hostile server: the core client', function () {
  this.timeout(60_000);
  let server: HostileServer;
  let workDir: string;
  const clients: MistralClient[] = [];
  const client = (config: Partial<ConstructorParameters<typeof MistralClient>[0]> = {}, sleep = new RecordedSleep()): MistralClient => {
    const created = new MistralClient({ apiKey: TEST_KEY, baseUrl: server.url, ...config }, { sleep: sleep.sleep });
    clients.push(created);
    return created;
  };

  beforeEach(async () => {
    server = await startHostileServer();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-hostile-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await server.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('masks the key in the request id, describe() and every field when a proxy reflects the Authorization header', async () => {
    const logger = new RecordingLogger();
    server.on('GET', /^\/v1\/files$/, (req, res) =>
      sendJson(res, 400, { message: `bad ${req.headers.authorization}`, request_id: `id-${req.headers.authorization}` }, { 'x-request-id': String(req.headers.authorization) }),
    );
    server.on('GET', /^\/v1\/files\/[^/]+$/, (_req, res) => sendJson(res, 418, { detail: 'no' }, { 'x-request-id': `raw-${TEST_KEY}` }));
    const fromBody = asApiError(await rejectionOf(client({ logger }).files.list()));
    const fromHeader = asApiError(await rejectionOf(client({ logger }).files.retrieve('f')));
    assert.equal(server.authorizations[0], `Bearer ${TEST_KEY}`, 'the server really had the key to reflect');
    assert.equal(fromBody.requestId, 'id-Bearer ***');
    assert.equal(fromHeader.requestId, 'raw-***');
    for (const err of [fromBody, fromHeader]) {
      const text = `${allTextOf(err)}\n${err.describe()}\n${err.requestId}\n${err.apiMessage ?? ''}`;
      assert.ok(!text.includes(TEST_KEY), `the key leaked: ${text.slice(0, 300)}`);
    }
    assert.ok(!logger.text().includes(TEST_KEY));
  });

  it('refuses a JSON answer over the cap with a clear error, reading no more than the cap', async () => {
    server.on('GET', /^\/v1\/files$/, hugeJson(200 * 1024 * 1024));
    server.on('GET', /^\/v1\/files\/announced$/, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(MAX_JSON_BODY_BYTES + 1) });
      res.write('{');
    });
    const before = process.memoryUsage().rss;
    const err = asApiError(await rejectionOf(client().files.list()));
    const grown = process.memoryUsage().rss - before;
    assert.equal(err.kind, 'http');
    assert.match(err.message, /^Mistral sent an unexpected answer to GET \/v1\/files: the answer is larger than 32 MB/);
    assert.ok(grown < 150 * 1024 * 1024, `RSS grew by ${Math.round(grown / 1024 / 1024)} MB for a 200 MB answer`);
    const announced = asApiError(await rejectionOf(client().files.retrieve('announced')));
    assert.match(announced.message, /larger than 32 MB/);
  });

  it('ends a JSON call whose answer trickles in, at the overall deadline (timeoutMs), and one that never answers', async () => {
    server.on('GET', /^\/v1\/files$/, trickle(JSON.stringify({ object: 'list', data: [] }).padEnd(400, ' '), 50));
    server.on('GET', /^\/v1\/files\/[^/]+$/, silence);
    const trickled = asApiError(await rejectionOf(client({ timeoutMs: 1000 }).files.list()));
    assert.equal(trickled.kind, 'network');
    assert.equal(trickled.message, `No complete answer from ${server.url} within 1 s`);
    const silent = asApiError(await rejectionOf(client({ timeoutMs: 1000 }).files.retrieve('x')));
    assert.equal(silent.message, `No complete answer from ${server.url} within 1 s`);
    // The deadline is final: not retried into a second wait.
    assert.equal(server.seen.filter((line) => line.startsWith('GET /v1/files/x')).length, 1);
  });

  it('a DELETE whose first answer was lost and whose retry finds 404 is a success; a plain 404 is still "File not found"', async () => {
    let deleted = false;
    server.on('DELETE', /^\/v1\/files\/gone$/, (req, res, s) => {
      if (!deleted) resetAfter(() => (deleted = true))(req, res, s);
      else sendJson(res, 404, { message: 'No file with this id' });
    });
    server.on('DELETE', /^\/v1\/files\/never$/, (_req, res) => sendJson(res, 404, { message: 'No file with this id' }));
    const result = await client().files.delete('gone');
    assert.deepEqual(result, { id: 'gone', object: 'file', deleted: true });
    assert.equal(server.seen.filter((line) => line === 'DELETE /v1/files/gone').length, 2);
    const plain = asApiError(await rejectionOf(client().files.delete('never')));
    assert.equal(plain.message, 'File not found');
  });

  it('the same for a batch job: a retried DELETE that finds 404 after a lost answer is a success', async () => {
    let deleted = false;
    server.on('DELETE', /^\/v1\/batch\/jobs\/gone$/, (req, res, s) => {
      if (!deleted) resetAfter(() => (deleted = true))(req, res, s);
      else sendJson(res, 404, { message: 'No batch job with this id' });
    });
    server.on('DELETE', /^\/v1\/batch\/jobs\/never$/, (_req, res) => sendJson(res, 404, { message: 'No batch job with this id' }));
    assert.deepEqual(await client().batch.delete('gone'), { id: 'gone', object: 'batch', deleted: true });
    assert.equal(asApiError(await rejectionOf(client().batch.delete('never'))).message, 'Batch job not found');
  });

  for (const status of [429, 503]) {
    it(`retries an upload answered ${status} (nothing was stored) and sends the whole file again`, async () => {
      let answers = 0;
      const lengths: number[] = [];
      server.on('POST', /^\/v1\/files$/, (req, res) => {
        let length = 0;
        req.on('data', (chunk: Buffer) => (length += chunk.length));
        req.on('end', () => {
          lengths.push(length);
          if (answers++ === 0) sendJson(res, status, { message: 'slow down' }, { 'retry-after': '1' });
          else sendJson(res, 200, fileObject({ bytes: 5 }));
        });
      });
      const sleep = new RecordedSleep();
      const file = await client({}, sleep).files.upload(writeLocal('a.jsonl', '{}\n{}\n'));
      assert.equal(file.id, fileObject().id);
      assert.deepEqual(sleep.delays, [1000]);
      assert.equal(lengths.length, 2);
      assert.equal(lengths[0], lengths[1], 'the retry sent the whole body again');
    });
  }

  it('cancelled after the whole upload was sent: says the file may be stored (mayHaveApplied), not just "Cancelled"', async () => {
    const controller = new AbortController();
    server.on('POST', /^\/v1\/files$/, afterBody(() => controller.abort()));
    const err = asApiError(await rejectionOf(client().files.upload(writeLocal('b.jsonl', '{}\n'), { signal: controller.signal })));
    assert.equal(err.kind, 'aborted');
    assert.equal(err.mayHaveApplied, true);
    assert.match(err.message, /^Cancelled after the whole request was sent: Mistral may have completed it/);
  });

  it('cancelled before the body went out is a plain "Cancelled"', async () => {
    const controller = new AbortController();
    server.on('POST', /^\/v1\/files$/, (req) => {
      controller.abort();
      req.pause();
    });
    const big = writeLocal('c.bin', Buffer.alloc(8 * 1024 * 1024));
    const err = asApiError(await rejectionOf(client().files.upload(big, { signal: controller.signal })));
    assert.equal(err.kind, 'aborted');
    assert.equal(err.mayHaveApplied, false);
    assert.equal(err.message, 'Cancelled');
  });

  it('never shows credentials from a URL: a malformed base URL, a proxy URL with a password', async () => {
    const malformed = rejectionOfSync(() => new MistralClient({ apiKey: TEST_KEY, baseUrl: 'https://me:hunter2@exa mple.com' }));
    assert.ok(!allTextOf(malformed).includes('hunter2'), allTextOf(malformed));
    assert.match(asApiError(malformed).message, /https:\/\/\*\*\*@exa mple\.com/);
    const viaProxy = await rejectionOf(
      client({ baseUrl: 'https://files.example.test', proxy: 'http://me:hunter2@127.0.0.1:1', retry: { maxRetries: 0 } }).files.list(),
    );
    assert.ok(!allTextOf(viaProxy).includes('hunter2'), allTextOf(viaProxy));
  });

  it('strictSSL false (--insecure) does not turn off certificate checks on a direct connection', async function () {
    const material = selfSignedCertificate('localhost');
    if (!material) this.skip();
    const https = await import('node:https');
    const tlsServer = https.createServer({ key: material!.key, cert: material!.cert }, (_req, res) => sendJson(res, 200, { object: 'list', data: [] }));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    try {
      const port = (tlsServer.address() as import('node:net').AddressInfo).port;
      const err = asApiError(await rejectionOf(client({ baseUrl: `https://127.0.0.1:${port}`, strictSSL: false, retry: { maxRetries: 0 } }).files.list()));
      assert.equal(err.kind, 'network');
      assert.match(err.message, /its TLS certificate/);
    } finally {
      tlsServer.closeAllConnections();
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    }
  });

  it('a *.localhost name that resolves off this machine is refused before connecting; loopback answers pass', async () => {
    const lookupWith = (addresses: LookupAddress[]) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: string }>((resolve) => {
        const lookup = loopbackLookup((_host, _options, callback) => callback(null, addresses));
        lookup('evil.localhost', { all: false }, (err, address) => resolve({ err, address: String(address) }));
      });
    const outside = await lookupWith([{ address: '127.0.0.1', family: 4 }, { address: '93.184.216.34', family: 4 }]);
    assert.equal(outside.err?.code, 'MISTRAL_NOT_LOOPBACK');
    assert.match(String(outside.err?.message), /93\.184\.216\.34/);
    const inside = await lookupWith([{ address: '::1', family: 6 }]);
    assert.equal(inside.err, null);
    assert.equal(inside.address, '::1');
  });

  it('plain http to a *.localhost name is refused when the name resolves off loopback (end to end, resolver stubbed)', async () => {
    server.on('GET', /^\/v1\/files$/, (_req, res) => sendJson(res, 200, { object: 'list', data: [] }));
    const port = new URL(server.url).port;
    const original = dns.lookup;
    // 0.0.0.0 is not a loopback address, yet reaches this machine: without the check the call would succeed.
    const stub = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void): void => {
      if (hostname === 'files.localhost') callback(null, [{ address: '0.0.0.0', family: 4 }]);
      else original(hostname, options, callback);
    };
    dns.lookup = stub as unknown as typeof dns.lookup;
    try {
      const err = asApiError(await rejectionOf(client({ baseUrl: `http://files.localhost:${port}`, retry: { maxRetries: 0 } }).files.list()));
      assert.equal(err.message, `Cannot reach http://files.localhost:${port}: the name does not resolve to this machine, and plain http is only allowed for localhost`);
      assert.deepEqual(server.seen, []);
    } finally {
      dns.lookup = original;
    }
  });

  it('removeLiveTempFilesSync (the CLI\'s exit handler) deletes the temp file of a download still being written', async () => {
    let stall: () => void = () => undefined;
    let stalled: () => void = () => undefined;
    const reachedStall = new Promise<void>((resolve) => (stalled = resolve));
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from('first part');
      await new Promise<void>((resolve) => {
        stall = resolve;
        stalled();
      });
    }
    const destination = path.join(workDir, 'out.bin');
    const writing = writeAtomically(body(), destination, 100, () => undefined);
    await reachedStall;
    assert.equal(fs.readdirSync(workDir).filter((name) => name.endsWith('.part')).length, 1, 'the download is under way');
    removeLiveTempFilesSync();
    assert.deepEqual(fs.readdirSync(workDir), []);
    stall();
    await rejectionOf(writing);
    assert.deepEqual(fs.readdirSync(workDir), []);
  });

  function writeLocal(name: string, content: string | Buffer): string {
    const filePath = path.join(workDir, name);
    fs.writeFileSync(filePath, content);
    return filePath;
  }
});

function rejectionOfSync(action: () => unknown): unknown {
  try {
    action();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
