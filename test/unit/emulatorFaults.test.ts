/** Scheduled faults (programmatic and over HTTP) and signed blob URLs. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { REQUEST_LOG_LIMIT } from '../emulator/requestLog';
import { buildSignedUrl } from '../emulator/signedUrl';
import { call, eventually, startTestEmulator, storedFiles, upload, type TestEmulator } from '../emulator/testSupport';

/** Raw GET counting the body bytes that arrive before the connection ends or breaks. */
function countBodyBytes(url: string, headers: Record<string, string>): Promise<{ status: number; declared: number; received: number; broken: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let received = 0;
      let settled = false;
      const finish = (broken: boolean): void => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, declared: Number(res.headers['content-length']), received, broken });
      };
      res.on('data', (chunk: Buffer) => { received += chunk.length; });
      res.on('end', () => finish(false));
      res.on('error', () => finish(true));
      res.on('aborted', () => finish(true));
      res.on('close', () => finish(!res.complete));
    });
    req.on('error', reject);
  });
}

describe('emulator: fault injection', () => {
  let emulator: TestEmulator;
  beforeEach(async () => { emulator = await startTestEmulator(); });
  afterEach(async () => { await emulator.dispose(); });

  it('429 with Retry-After and the rate-limit body, then normal service', async () => {
    emulator.faults.add({ method: 'GET', path: '^/v1/files$', status: 429, retryAfterSeconds: 3 });
    const limited = await call(emulator.url, '/v1/files');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.deepEqual(limited.json, { object: 'error', message: 'Rate limit exceeded', type: 'rate_limited', param: null, code: '1300' });
    assert.equal((await call(emulator.url, '/v1/files')).status, 200);
  });

  it('count applies the fault to that many matching requests; other methods and paths are untouched', async () => {
    emulator.faults.add({ method: 'GET', path: '^/v1/files$', status: 503, count: 2 });
    emulator.faults.add({ method: 'DELETE', status: 500 });
    assert.equal((await call(emulator.url, '/_emulator/health', { apiKey: null })).status, 200, 'control routes never draw faults');
    const created = await upload(emulator.url, { filename: 'a.jsonl', content: '{"text":"a"}\n' });
    assert.equal(created.status, 200, 'POST does not match a GET rule');
    const first = await call(emulator.url, '/v1/files');
    assert.equal(first.status, 503);
    assert.equal(first.json.object, 'error');
    assert.equal((await call(emulator.url, '/v1/files')).status, 503);
    assert.equal((await call(emulator.url, '/v1/files')).status, 200);
    const failedDelete = await call(emulator.url, `/v1/files/${created.json.id}`, { method: 'DELETE' });
    assert.equal(failedDelete.status, 500);
    assert.deepEqual(Object.keys(failedDelete.json), ['object', 'message', 'type', 'param', 'code']);
    assert.equal((await call(emulator.url, `/v1/files/${created.json.id}`)).status, 200, 'the injected 500 deleted nothing');
  });

  it('delayMs holds a request back while others are answered', async () => {
    const { id } = (await upload(emulator.url, { filename: 'a.jsonl', content: '{"text":"a"}\n' })).json;
    emulator.faults.add({ path: '^/v1/files$', method: 'GET', delayMs: 400 });
    const order: string[] = [];
    const slow = call(emulator.url, '/v1/files').then((res) => { order.push(`list ${res.status}`); });
    const fast = call(emulator.url, `/v1/files/${id}`).then((res) => { order.push(`retrieve ${res.status}`); });
    await Promise.all([slow, fast]);
    assert.deepEqual(order, ['retrieve 200', 'list 200']);
  });

  it('resetAfterBytes cuts a download after exactly that many body bytes', async () => {
    const { id, bytes } = (await upload(emulator.url, { filename: 'big.bin', content: Buffer.alloc(3 * 1024 * 1024, 7), purpose: 'ocr' })).json;
    emulator.faults.add({ path: '/content$', resetAfterBytes: 100_000 });
    const auth = { authorization: 'Bearer test-key-not-a-secret' };
    const cut = await countBodyBytes(`${emulator.url}/v1/files/${id}/content`, auth);
    assert.deepEqual(cut, { status: 200, declared: bytes, received: 100_000, broken: true });
    const whole = await countBodyBytes(`${emulator.url}/v1/files/${id}/content`, auth);
    assert.deepEqual(whole, { status: 200, declared: bytes, received: bytes, broken: false });
  });

  it('resetAfterBytes also cuts a JSON answer part-way', async () => {
    await upload(emulator.url, { filename: 'a.jsonl', content: '{"text":"a"}\n' });
    emulator.faults.add({ method: 'GET', path: '^/v1/files$', resetAfterBytes: 20 });
    const cut = await countBodyBytes(`${emulator.url}/v1/files`, { authorization: 'Bearer test-key-not-a-secret' });
    assert.equal(cut.status, 200);
    assert.equal(cut.received, 20);
    assert.equal(cut.broken, true);
    assert.ok(cut.declared > 20);
  });

  it('resetAfterBytes on an upload breaks the connection and stores nothing', async () => {
    emulator.faults.add({ method: 'POST', path: '^/v1/files$', resetAfterBytes: 64 * 1024 });
    await assert.rejects(upload(emulator.url, { filename: 'cut.bin', content: Buffer.alloc(2 * 1024 * 1024, 1), purpose: 'ocr' }));
    assert.ok(await eventually(async () => (await storedFiles(emulator.dataDir)).tmp.length === 0));
    assert.deepEqual((await storedFiles(emulator.dataDir)).blobs, []);
    assert.equal((await call(emulator.url, '/v1/files')).json.total, 0);
  });

  it('a status fault on an upload is readable by the client and stores nothing', async () => {
    emulator.faults.add({ method: 'POST', status: 503, retryAfterSeconds: 1 });
    const res = await upload(emulator.url, { filename: 'refused.bin', content: Buffer.alloc(1024 * 1024, 2), purpose: 'ocr' });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal((await call(emulator.url, '/v1/files')).json.total, 0);
  });

  it('faults can be scheduled and cleared over HTTP with the bearer key', async () => {
    const rule = JSON.stringify({ method: 'GET', path: '^/v1/files$', status: 429, count: 5 });
    const json = { 'content-type': 'application/json' };
    assert.equal((await call(emulator.url, '/_emulator/faults', { method: 'POST', body: rule, headers: json, apiKey: null })).status, 401);
    const bad = await call(emulator.url, '/_emulator/faults', { method: 'POST', body: '{"status":"soon"}', headers: json });
    assert.equal(bad.status, 400);
    assert.match(bad.json.detail, /status/);
    assert.equal((await call(emulator.url, '/_emulator/faults', { method: 'POST', body: rule, headers: json })).status, 200);
    assert.equal((await call(emulator.url, '/v1/files')).status, 429);
    assert.equal((await call(emulator.url, '/_emulator/faults', { method: 'DELETE' })).status, 200);
    assert.equal((await call(emulator.url, '/v1/files')).status, 200);
    emulator.faults.add({ status: 500 });
    emulator.faults.clear();
    assert.equal((await call(emulator.url, '/v1/files')).status, 200);
  });
});

describe('emulator: signed URLs', () => {
  let emulator: TestEmulator;
  let file: { id: string; filename: string; purpose: string; bytes: number };
  const content = '{"custom_id":"1","body":{}}\n';
  before(async () => {
    emulator = await startTestEmulator();
    file = (await upload(emulator.url, { filename: 'requests batch.jsonl', content, purpose: 'batch' })).json;
  });
  after(async () => { await emulator.dispose(); });

  const signingSecret = async (): Promise<Buffer> =>
    Buffer.from(JSON.parse(await fs.readFile(path.join(emulator.dataDir, 'metadata.json'), 'utf8')).signingSecret, 'hex');
  const fetchUrl = (url: string, method: 'GET' | 'HEAD' = 'GET') => call(url, '', { apiKey: null, method });

  it('is an Azure-SAS-shaped URL on the emulator that serves the bytes without auth', async () => {
    const { url } = (await call(emulator.url, `/v1/files/${file.id}/url?expiry=2`)).json;
    const parsed = new URL(url);
    assert.equal(parsed.origin, emulator.url);
    assert.equal(parsed.pathname, `/_blob/batch/${file.id}/requests%20batch.jsonl`);
    assert.deepEqual([...parsed.searchParams.keys()], ['se', 'sp', 'sv', 'sr', 'sig']);
    const hoursAhead = (Date.parse(parsed.searchParams.get('se') as string) - Date.now()) / 3_600_000;
    assert.ok(hoursAhead > 1.9 && hoursAhead <= 2, `se is two hours ahead (${hoursAhead})`);
    const blob = await fetchUrl(url);
    assert.equal(blob.status, 200);
    assert.equal(blob.body.toString(), content);
    assert.equal(blob.headers['content-type'], 'application/jsonl');
    assert.equal(blob.headers['content-length'], String(file.bytes));
    const head = await fetchUrl(url, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
  });

  it('answers 403 AuthenticationFailed when the signature, path or fields are tampered with', async () => {
    const { url } = (await call(emulator.url, `/v1/files/${file.id}/url`)).json;
    const parsed = new URL(url);
    const sig = parsed.searchParams.get('sig') as string;
    const tampered = [
      url.replace(`sig=${encodeURIComponent(sig)}`, `sig=${encodeURIComponent(`A${sig.slice(1)}`)}`),
      url.replace('requests%20batch.jsonl', 'other.jsonl'),
      url.replace('sp=r', 'sp=rw'),
      url.replace(/se=[^&]+/, 'se=2099-01-01T00%3A00%3A00Z'),
      `${parsed.origin}${parsed.pathname}`,
    ];
    for (const candidate of tampered) {
      assert.notEqual(candidate, url);
      const res = await fetchUrl(candidate);
      assert.equal(res.status, 403, candidate);
      assert.equal(res.headers['x-ms-error-code'], 'AuthenticationFailed');
      assert.match(res.body.toString(), /<Code>AuthenticationFailed<\/Code>/);
    }
  });

  it('answers 403 once expired, while the same signing serves a future expiry', async () => {
    const secret = await signingSecret();
    const stillValid = buildSignedUrl(emulator.url, secret, file, new Date(Date.now() + 60_000));
    assert.equal((await fetchUrl(stillValid)).status, 200, 'the test signs exactly like the emulator');
    const expired = buildSignedUrl(emulator.url, secret, file, new Date(Date.now() - 1000));
    const res = await fetchUrl(expired);
    assert.equal(res.status, 403);
    assert.match(res.body.toString(), /AuthenticationErrorDetail>Signed expiry time/);
  });

  it('honours a single byte range like Azure, and 416 for an unsatisfiable one', async () => {
    const { url } = (await call(emulator.url, `/v1/files/${file.id}/url`)).json;
    const ranged = async (range: string) => call(url, '', { apiKey: null, headers: { range } });
    const middle = await ranged('bytes=2-11');
    assert.equal(middle.status, 206);
    assert.equal(middle.body.toString(), content.slice(2, 12));
    assert.equal(middle.headers['content-range'], `bytes 2-11/${content.length}`);
    assert.equal((await ranged('bytes=-3')).body.toString(), content.slice(-3));
    assert.equal((await ranged(`bytes=5-${content.length + 100}`)).body.toString(), content.slice(5));
    assert.equal((await ranged(`bytes=${content.length}-`)).status, 416);
  });

  it('answers 404 BlobNotFound after the file is deleted', async () => {
    const other = (await upload(emulator.url, { filename: 'soon-gone.jsonl', content: '{"text":"x"}\n' })).json;
    const { url } = (await call(emulator.url, `/v1/files/${other.id}/url`)).json;
    await call(emulator.url, `/v1/files/${other.id}`, { method: 'DELETE' });
    const res = await fetchUrl(url);
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-ms-error-code'], 'BlobNotFound');
  });
});

describe('emulator: request log', () => {
  let emulator: TestEmulator;
  beforeEach(async () => { emulator = await startTestEmulator(); });
  afterEach(async () => { await emulator.dispose(); });

  it('lists the API requests with their status, never the control routes, from a point on, and clears', async () => {
    await call(emulator.url, '/v1/files?page_size=1');
    await call(emulator.url, '/v1/files', { apiKey: 'wrong' });
    emulator.faults.add({ path: '/url$', status: 429 });
    await call(emulator.url, '/v1/files/missing/url?expiry=2');
    await call(emulator.url, '/_emulator/health');
    const all = await call(emulator.url, '/_emulator/requests');
    assert.equal(all.status, 200);
    assert.deepEqual(all.json.data.map(({ method, path: p, query, status }: Record<string, unknown>) => ({ method, path: p, query, status })), [
      { method: 'GET', path: '/v1/files', query: 'page_size=1', status: 200 },
      { method: 'GET', path: '/v1/files', query: '', status: 401 },
      { method: 'GET', path: '/v1/files/missing/url', query: 'expiry=2', status: 429 },
    ]);
    assert.equal(all.json.lastSeq, all.json.data[2].seq);

    await call(emulator.url, '/v1/files/00000000-0000-4000-8000-000000000000', { method: 'DELETE' });
    const later = await call(emulator.url, `/_emulator/requests?after=${all.json.lastSeq}`);
    assert.deepEqual(later.json.data.map((r: { path: string; status: number }) => [r.path, r.status]), [['/v1/files/00000000-0000-4000-8000-000000000000', 404]]);

    assert.equal((await call(emulator.url, '/_emulator/requests', { apiKey: null })).status, 401);
    assert.equal((await call(emulator.url, '/_emulator/requests?after=soon')).status, 400);
    assert.equal((await call(emulator.url, '/_emulator/requests', { method: 'DELETE' })).status, 200);
    assert.deepEqual((await call(emulator.url, '/_emulator/requests')).json.data, []);
    assert.deepEqual(emulator.requests.since(0), []);
  });

  it('keeps only the newest requests', async () => {
    for (let i = 0; i < REQUEST_LOG_LIMIT + 5; i++) await call(emulator.url, `/v1/files/f${i}`);
    const kept = emulator.requests.since(0);
    assert.equal(kept.length, REQUEST_LOG_LIMIT);
    assert.equal(kept[0].path, '/v1/files/f5');
    assert.equal(kept.at(-1)?.path, `/v1/files/f${REQUEST_LOG_LIMIT + 4}`);
  });
});
