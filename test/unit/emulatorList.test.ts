/** GET /v1/files against the emulator: filters, paging, total, order and 422s. */
import * as assert from 'node:assert/strict';
import { call, startTestEmulator, upload, type TestEmulator } from '../emulator/testSupport';

interface Listed { id: string; filename: string; created_at: number; purpose: string; sample_type: string; source: string; mimetype: string | null }

describe('emulator: list files', () => {
  let emulator: TestEmulator;
  const uploadedIds: string[] = [];
  let all: Listed[];

  before(async () => {
    emulator = await startTestEmulator({ seed: 'demo' });
    for (const name of ['Alpha-report.jsonl', 'beta.jsonl', 'gamma-REPORT.jsonl']) {
      const res = await upload(emulator.url, { filename: name, content: `{"text":"${name}"}\n`, purpose: 'fine-tune' });
      uploadedIds.push(res.json.id);
    }
    all = (await call(emulator.url, '/v1/files')).json.data;
  });
  after(async () => { await emulator.dispose(); });

  const ids = async (query: string): Promise<string[]> => {
    const res = await call(emulator.url, `/v1/files?${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json.data.map((f: Listed) => f.id);
  };

  it('lists newest first; uploads in the same second keep the later one first', () => {
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].created_at >= all[i].created_at, 'created_at descending');
    assert.deepEqual(all.slice(0, 3).map((f) => f.id), [...uploadedIds].reverse());
  });

  it('pages with page and page_size and reports the total of all matches', async () => {
    const pages: string[][] = [];
    for (let page = 0; page * 4 < all.length + 4; page++) {
      const res = await call(emulator.url, `/v1/files?page=${page}&page_size=4`);
      assert.equal(res.json.total, all.length);
      pages.push(res.json.data.map((f: Listed) => f.id));
    }
    assert.deepEqual(pages.flat(), all.map((f) => f.id));
    assert.ok(pages.slice(0, -1).every((p, i) => p.length === 4 || i === pages.length - 2));
    assert.deepEqual(pages[pages.length - 1], [], 'a page past the end is empty');
  });

  it('include_total=false answers total null', async () => {
    const res = await call(emulator.url, '/v1/files?include_total=false&page_size=1');
    assert.equal(res.json.total, null);
    assert.equal(res.json.data.length, 1);
  });

  it('filters by purpose', async () => {
    assert.deepEqual(await ids('purpose=batch'), all.filter((f) => f.purpose === 'batch').map((f) => f.id));
    assert.deepEqual(await ids('purpose=ocr'), all.filter((f) => f.purpose === 'ocr').map((f) => f.id));
  });

  it('filters by sample_type and source given as repeated keys or comma-separated', async () => {
    const expected = all.filter((f) => f.sample_type === 'batch_result' || f.sample_type === 'pretrain').map((f) => f.id);
    assert.ok(expected.length >= 2);
    assert.deepEqual(await ids('sample_type=batch_result&sample_type=pretrain'), expected);
    assert.deepEqual(await ids('sample_type=batch_result,pretrain'), expected);
    const fromMistral = all.filter((f) => f.source === 'mistral').map((f) => f.id);
    assert.equal(fromMistral.length, 2);
    assert.deepEqual(await ids('source=mistral'), fromMistral);
    assert.deepEqual(await ids('source=mistral&sample_type=batch_error'), all.filter((f) => f.sample_type === 'batch_error').map((f) => f.id));
  });

  it('search matches a filename substring case-insensitively', async () => {
    assert.deepEqual(await ids('search=report'), [uploadedIds[2], uploadedIds[0]]);
    assert.deepEqual(await ids('search=REPORT&purpose=batch'), []);
  });

  it('filters by mimetypes', async () => {
    const expected = all.filter((f) => f.mimetype === 'application/pdf' || f.mimetype === 'image/png').map((f) => f.id);
    assert.equal(expected.length, 2);
    assert.deepEqual(await ids('mimetypes=application/pdf&mimetypes=image/png'), expected);
  });

  it('answers bad parameters with FastAPI 422 detail items', async () => {
    const cases: [string, string, (string | number)[]][] = [
      ['page_size=0', 'greater_than_equal', ['query', 'page_size']],
      ['page_size=ten', 'int_parsing', ['query', 'page_size']],
      ['page=-1', 'greater_than_equal', ['query', 'page']],
      ['include_total=maybe', 'bool_parsing', ['query', 'include_total']],
      ['sample_type=instruct&sample_type=chat', 'enum', ['query', 'sample_type', 1]],
      ['source=github', 'enum', ['query', 'source', 0]],
      ['purpose=training', 'enum', ['query', 'purpose']],
    ];
    for (const [query, type, loc] of cases) {
      const res = await call(emulator.url, `/v1/files?${query}`);
      assert.equal(res.status, 422, query);
      assert.equal(res.json.detail.length, 1, query);
      assert.equal(res.json.detail[0].type, type, query);
      assert.deepEqual(res.json.detail[0].loc, loc, query);
      assert.equal(typeof res.json.detail[0].msg, 'string');
    }
  });
});
