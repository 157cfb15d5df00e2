/**
 * Conformance of the emulator's responses to Mistral's OpenAPI subset (strict: no extra fields), plus the
 * values Mistral fills in, auth, 404/422 bodies and downloads.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createSchemaValidator, resolveOpenApiPath, type ResponseSchemaName } from '../emulator/openapiSchemas';
import { call, startTestEmulator, upload, type TestEmulator } from '../emulator/testSupport';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const schemas = createSchemaValidator();

function assertConforms(schema: ResponseSchemaName, value: unknown): void {
  assert.deepEqual(schemas.check(schema, value), [], `${schema}: ${JSON.stringify(value)}`);
}

const INSTRUCT = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}\n'
  + '{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"See you"}]}\n';

describe('emulator: conformance to the OpenAPI schemas', () => {
  let emulator: TestEmulator;
  before(async () => { emulator = await startTestEmulator(); });
  after(async () => { await emulator.dispose(); });

  it('validates against a copy identical to the shared reference OpenAPI document', function () {
    const shared = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'mistral-files-openapi.yaml');
    if (!existsSync(shared)) this.skip();
    assert.ok(readFileSync(resolveOpenApiPath()).equals(readFileSync(shared)), 'test/fixtures/emulator copy is stale');
  });

  it('the strict validator rejects a field the spec does not name and a wrong type', () => {
    const good = { id: 'e85980c9-409e-4a46-9304-36588f6292b0', object: 'file', bytes: 1, created_at: 1, filename: 'a.jsonl', purpose: 'batch', sample_type: 'batch_request', source: 'upload' };
    assert.deepEqual(schemas.check('FileSchema', good), []);
    assert.notDeepEqual(schemas.check('FileSchema', { ...good, surprise: true }), []);
    assert.notDeepEqual(schemas.check('FileSchema', { ...good, created_at: '1' }), []);
    assert.notDeepEqual(schemas.check('GetFileResponse', good), [], 'deleted is required on retrieve');
  });

  it('upload answers a CreateFileResponse filled in as Mistral does', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await upload(emulator.url, { filename: 'train.jsonl', content: INSTRUCT, purpose: 'fine-tune' });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assertConforms('CreateFileResponse', res.json);
    const file = res.json;
    assert.match(file.id, UUID_V4);
    assert.equal(file.object, 'file');
    assert.equal(file.bytes, Buffer.byteLength(INSTRUCT));
    assert.ok(file.created_at >= before && file.created_at <= Math.floor(Date.now() / 1000) + 1);
    assert.equal(file.filename, 'train.jsonl');
    assert.equal(file.purpose, 'fine-tune');
    assert.equal(file.sample_type, 'instruct');
    assert.equal(file.source, 'upload');
    assert.equal(file.num_lines, 2);
    assert.equal(file.mimetype, 'application/jsonl');
    assert.equal(file.signature, createHash('sha256').update(INSTRUCT).digest('hex').slice(0, 16));
    assert.equal(file.expires_at, null);
    assert.equal(file.visibility, 'workspace');
  });

  it('infers pretrain and batch_request, counts an unterminated last line, and gives non-JSONL files no line count', async () => {
    const pretrain = await upload(emulator.url, { filename: 'corpus.jsonl', content: '\n{"text":"a"}\n{"text":"b"}', purpose: 'fine-tune' });
    assertConforms('CreateFileResponse', pretrain.json);
    assert.equal(pretrain.json.sample_type, 'pretrain');
    assert.equal(pretrain.json.num_lines, 3);
    const batch = await upload(emulator.url, { filename: 'requests.jsonl', content: '{"custom_id":"1","body":{}}\n', purpose: 'batch' });
    assert.equal(batch.json.sample_type, 'batch_request');
    assert.equal(batch.json.num_lines, 1);
    const pdf = await upload(emulator.url, { filename: 'scan.PDF', content: '%PDF-1.4\n%%EOF\n', purpose: 'ocr', visibility: 'user' });
    assertConforms('CreateFileResponse', pdf.json);
    assert.equal(pdf.json.mimetype, 'application/pdf');
    assert.equal(pdf.json.num_lines, null);
    assert.equal(pdf.json.visibility, 'user');
  });

  it('a purpose left out lands in fine-tune; expiry is hours from created_at', async () => {
    const res = await upload(emulator.url, { filename: 'short-lived.jsonl', content: INSTRUCT, expiry: '3' });
    assert.equal(res.status, 200);
    assertConforms('CreateFileResponse', res.json);
    assert.equal(res.json.purpose, 'fine-tune');
    assert.equal(res.json.expires_at, res.json.created_at + 3 * 3600);
  });

  it('list, retrieve, delete and signed URL answer their schemas; download streams the exact bytes', async () => {
    const content = Buffer.from('{"custom_id":"r1","body":{"max_tokens":5}}\n');
    const created = (await upload(emulator.url, { filename: 'données batch.jsonl', content, purpose: 'batch' })).json;

    const listed = await call(emulator.url, '/v1/files');
    assert.equal(listed.status, 200);
    assertConforms('ListFilesResponse', listed.json);
    assert.equal(listed.json.object, 'list');
    assert.equal(listed.json.total, listed.json.data.length);
    assert.deepEqual(listed.json.data.find((f: { id: string }) => f.id === created.id), created);

    const retrieved = await call(emulator.url, `/v1/files/${created.id}`);
    assertConforms('GetFileResponse', retrieved.json);
    assert.deepEqual(retrieved.json, { ...created, deleted: false });

    const signed = await call(emulator.url, `/v1/files/${created.id}/url`);
    assertConforms('GetSignedUrlResponse', signed.json);

    const download = await call(emulator.url, `/v1/files/${created.id}/content`);
    assert.equal(download.status, 200);
    assert.equal(download.headers['content-type'], 'application/octet-stream');
    assert.equal(download.headers['content-length'], String(content.length));
    assert.equal(download.headers['content-disposition'], `attachment; filename="donn_es batch.jsonl"; filename*=UTF-8''${encodeURIComponent('données batch.jsonl')}`);
    assert.deepEqual(download.body, content);

    const deleted = await call(emulator.url, `/v1/files/${created.id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    assertConforms('DeleteFileResponse', deleted.json);
    assert.deepEqual(deleted.json, { id: created.id, object: 'file', deleted: true });
  });

  it('every file of the demo seed conforms (the audio one needs the `audio` purpose the docs use)', async () => {
    const seeded = await startTestEmulator({ seed: 'demo' });
    try {
      const res = await call(seeded.url, '/v1/files');
      const audioAware = createSchemaValidator({ extraPurposes: ['audio'] });
      const purposes = new Set<string>();
      const sampleTypes = new Set<string>();
      for (const file of res.json.data) {
        purposes.add(file.purpose);
        sampleTypes.add(file.sample_type);
        if (file.purpose === 'audio') assert.deepEqual(audioAware.check('FileSchema', file), []);
        else assertConforms('FileSchema', file);
        const body = (await call(seeded.url, `/v1/files/${file.id}/content`)).body;
        assert.equal(body.length, file.bytes, file.filename);
      }
      assert.deepEqual([...purposes].sort(), ['audio', 'batch', 'fine-tune', 'ocr']);
      assert.deepEqual([...sampleTypes].sort(), ['batch_error', 'batch_request', 'batch_result', 'instruct', 'pretrain']);
      const batchResult = res.json.data.find((f: { sample_type: string }) => f.sample_type === 'batch_result');
      assert.equal(batchResult.source, 'mistral');
      const pdf = res.json.data.find((f: { mimetype: string }) => f.mimetype === 'application/pdf');
      const pdfBytes = (await call(seeded.url, `/v1/files/${pdf.id}/content`)).body.toString('latin1');
      assert.match(pdfBytes, /^%PDF-1\.\d/);
      const xrefOffset = Number(/startxref\n(\d+)/.exec(pdfBytes)?.[1]);
      assert.equal(pdfBytes.slice(xrefOffset, xrefOffset + 4), 'xref', 'the PDF xref offset points at its xref table');
      const createdDays = new Set(res.json.data.map((f: { created_at: number }) => Math.floor(f.created_at / 86400)));
      assert.ok(createdDays.size >= 4, 'created_at spread over several days');
    } finally {
      await seeded.dispose();
    }
  });
});

describe('emulator: auth, 404 and 422', () => {
  let emulator: TestEmulator;
  before(async () => { emulator = await startTestEmulator(); });
  after(async () => { await emulator.dispose(); });

  for (const [label, apiKey] of [['no key', null], ['a wrong key', 'wrong-key']] as const) {
    it(`answers 401 with Mistral's body to ${label}`, async () => {
      const res = await call(emulator.url, '/v1/files', { apiKey });
      assert.equal(res.status, 401);
      assert.deepEqual(Object.keys(res.json), ['message', 'request_id']);
      assert.equal(res.json.message, 'Unauthorized');
      assert.match(res.json.request_id, UUID_V4);
      assert.equal(res.headers['x-request-id'], res.json.request_id);
      const posted = await upload(emulator.url, { filename: 'a.jsonl', content: INSTRUCT, apiKey });
      assert.equal(posted.status, 401);
      assert.equal((await call(emulator.url, '/v1/files')).json.total, 0, 'nothing was stored');
    });
  }

  it('a deleted id is 404 on every route; a malformed id is a FastAPI uuid_parsing 422', async () => {
    const { id } = (await upload(emulator.url, { filename: 'gone.jsonl', content: INSTRUCT })).json;
    assert.equal((await call(emulator.url, `/v1/files/${id}`, { method: 'DELETE' })).status, 200);
    for (const [route, method] of [[`/v1/files/${id}`, 'GET'], [`/v1/files/${id}`, 'DELETE'], [`/v1/files/${id}/content`, 'GET'], [`/v1/files/${id}/url`, 'GET']] as const) {
      const res = await call(emulator.url, route, { method });
      assert.equal(res.status, 404, `${method} ${route}`);
      assert.deepEqual(res.json, { detail: 'File not found' });
    }
    const { id: liveId } = (await upload(emulator.url, { filename: 'alive.jsonl', content: INSTRUCT })).json;
    const simpleUpper = liveId.replace(/-/g, '').toUpperCase();
    assert.equal((await call(emulator.url, `/v1/files/${simpleUpper}`)).json.id, liveId, 'FastAPI accepts any UUID spelling');
    const malformed = await call(emulator.url, '/v1/files/not-a-uuid');
    assert.equal(malformed.status, 422);
    assert.equal(malformed.json.detail[0].type, 'uuid_parsing');
    assert.deepEqual(malformed.json.detail[0].loc, ['path', 'file_id']);
    assert.equal(malformed.json.detail[0].input, 'not-a-uuid');
  });

  it('bad purpose, visibility and expiry get one FastAPI detail item each', async () => {
    const totalBefore = (await call(emulator.url, '/v1/files')).json.total;
    const res = await upload(emulator.url, { filename: 'a.jsonl', content: INSTRUCT, purpose: 'training', visibility: 'public', expiry: 'soon' });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json.detail.map((d: { loc: string[] }) => d.loc), [['body', 'expiry'], ['body', 'visibility'], ['body', 'purpose']]);
    const [expiry, visibility, purpose] = res.json.detail;
    assert.deepEqual([expiry.type, expiry.input], ['int_parsing', 'soon']);
    assert.deepEqual([visibility.type, visibility.msg, visibility.input], ['enum', "Input should be 'workspace' or 'user'", 'public']);
    assert.deepEqual([purpose.type, purpose.msg, purpose.input], ['enum', "Input should be 'fine-tune', 'batch', 'ocr' or 'audio'", 'training']);
    const zero = await upload(emulator.url, { filename: 'a.jsonl', content: INSTRUCT, expiry: '0' });
    assert.equal(zero.status, 422);
    assert.equal(zero.json.detail[0].type, 'greater_than_equal');
    assert.equal((await call(emulator.url, '/v1/files')).json.total, totalBefore, 'a refused upload stores nothing');
  });

  it('unknown routes are 404 Not Found and wrong methods 405, as FastAPI answers', async () => {
    const unknown = await call(emulator.url, '/v1/filez');
    assert.deepEqual([unknown.status, unknown.json], [404, { detail: 'Not Found' }]);
    const wrongMethod = await call(emulator.url, '/v1/files', { method: 'PUT' });
    assert.deepEqual([wrongMethod.status, wrongMethod.json], [405, { detail: 'Method Not Allowed' }]);
    assert.equal(wrongMethod.headers.allow, 'GET, POST');
  });

  it('an upload without a file part is 422 missing', async () => {
    const res = await call(emulator.url, '/v1/files', { method: 'POST', body: 'purpose=batch', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json, { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null }] });
  });

  it('signed URL expiry outside 1..168 hours is 422', async () => {
    const { id } = (await upload(emulator.url, { filename: 'u.jsonl', content: INSTRUCT })).json;
    for (const [expiry, type] of [['0', 'greater_than_equal'], ['169', 'less_than_equal'], ['two', 'int_parsing']]) {
      const res = await call(emulator.url, `/v1/files/${id}/url?expiry=${expiry}`);
      assert.equal(res.status, 422, expiry);
      assert.equal(res.json.detail[0].type, type);
      assert.deepEqual(res.json.detail[0].loc, ['query', 'expiry']);
    }
    assert.equal((await call(emulator.url, `/v1/files/${id}/url?expiry=168`)).status, 200);
  });
});
