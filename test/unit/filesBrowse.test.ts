/**
 * Go to File and Sort in the Files view, below the UI: what a pasted text refers to (ids, the emulator's signed URLs,
 * preview URIs), the sort orders, and the model paging a group to its end or to a far file, against the emulator.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MistralClient } from '../../src/api/client';
import type { MistralFile } from '../../src/api/files/types';
import { FilesModel } from '../../src/extension/files/tree/filesModel';
import { sortFiles } from '../../src/extension/files/tree/sortOrder';
import { parseFileReference } from '../../src/util/fileReference';
import { TEST_API_KEY, startTestEmulator, type TestEmulator } from '../emulator/testSupport';

function file(id: string, extra: Partial<MistralFile>): MistralFile {
  return { id, object: 'file', bytes: 10, created_at: 1_700_000_000, filename: `${id}.jsonl`, purpose: 'fine-tune', sample_type: 'instruct', source: 'upload', ...extra };
}

describe('Go to File: what a pasted text refers to', () => {
  const id = '3f2a9c1e-7b4d-4e8a-9c2f-0a1b2c3d4e5f';

  it('takes a bare id, in any case and with the quotes or brackets a copy brings along', () => {
    assert.deepEqual(parseFileReference(id), { kind: 'id', id });
    assert.deepEqual(parseFileReference(`  "${id.toUpperCase()}"\n`), { kind: 'id', id });
    assert.deepEqual(parseFileReference(`<${id}>`), { kind: 'id', id });
  });

  it('finds the id in an Azure-style signed URL and in a mistral-file: preview URI', () => {
    const signed = `https://files.example.invalid/fine-tune/${id}/train%20set.jsonl?se=2026-12-01T00%3A00%3A00Z&sp=r&sv=2025-01-05&sr=b&sig=abc%2Bdef`;
    assert.deepEqual(parseFileReference(signed), { kind: 'id', id });
    assert.deepEqual(parseFileReference(`https://blob.example.invalid/batch/org/ws/${id}.jsonl?sig=x`), { kind: 'id', id });
    assert.deepEqual(parseFileReference(`mistral-file:/${id}/data.jsonl`), { kind: 'id', id });
  });

  it('searches by name for anything else, including a URL without an id and text around an id', () => {
    assert.deepEqual(parseFileReference('train'), { kind: 'search', text: 'train' });
    assert.deepEqual(parseFileReference('https://example.invalid/no-id-here'), { kind: 'search', text: 'https://example.invalid/no-id-here' });
    assert.deepEqual(parseFileReference(`backup-${id}.jsonl`), { kind: 'search', text: `backup-${id}.jsonl` });
    assert.deepEqual(parseFileReference('   '), { kind: 'empty' });
  });

  it('reads the id out of a signed URL the emulator hands out', async () => {
    const emulator = await startTestEmulator();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-goto-'));
    const client = new MistralClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url });
    try {
      const local = path.join(dir, 'name with spaces & more.jsonl');
      fs.writeFileSync(local, '{"text":"x"}\n');
      const uploaded = await client.files.upload(local, { purpose: 'fine-tune' });
      const { url } = await client.files.getSignedUrl(uploaded.id, 1);
      assert.deepEqual(parseFileReference(url), { kind: 'id', id: uploaded.id });
    } finally {
      await client.dispose();
      await emulator.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Sort: the orders of a group', () => {
  const files = [
    file('a', { filename: 'run-10.jsonl', bytes: 5, created_at: 300 }),
    file('b', { filename: 'Run-2.jsonl', bytes: null, created_at: 100 }),
    file('c', { filename: 'alpha.jsonl', bytes: 50, created_at: 200 }),
    file('d', { filename: 'beta.jsonl', bytes: 50, created_at: 200 }),
  ];

  it('date: newest first, equal times keep the server order', () => {
    assert.deepEqual(sortFiles(files, 'date').map((f) => f.id), ['a', 'c', 'd', 'b']);
  });

  it('name: A to Z ignoring case, numbers in numeric order', () => {
    assert.deepEqual(sortFiles(files, 'name').map((f) => f.filename), ['alpha.jsonl', 'beta.jsonl', 'Run-2.jsonl', 'run-10.jsonl']);
  });

  it('size: largest first, unknown sizes last, ties in server order; the input is not changed', () => {
    const before = files.map((f) => f.id);
    assert.deepEqual(sortFiles(files, 'size').map((f) => f.id), ['c', 'd', 'a', 'b']);
    assert.deepEqual(files.map((f) => f.id), before);
  });
});

describe('FilesModel: load all, and reach a file many pages down', function () {
  this.timeout(30_000);
  let emulator: TestEmulator;
  let client: MistralClient;
  let dir: string;
  const tag = `browse-${Date.now().toString(36)}`;
  const uploaded: MistralFile[] = [];

  before(async () => {
    emulator = await startTestEmulator();
    client = new MistralClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-browse-'));
    for (let i = 0; i < 9; i++) {
      const local = path.join(dir, `${tag}-${i}.jsonl`);
      fs.writeFileSync(local, `{"text":"${i}"}\n`);
      uploaded.push(await client.files.upload(local, { purpose: 'fine-tune' }));
    }
  });

  after(async () => {
    await client.dispose();
    await emulator.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function model(): FilesModel {
    return new FilesModel(client.files, { pageSize: () => 2, filter: () => ({ search: tag }), onDidChange: () => undefined });
  }

  it('loadAll pages a group to its end, reporting each page', async () => {
    const m = model();
    await m.ensureLoaded();
    assert.equal(m.group('fine-tune')?.files.length, 2);
    const pages: number[] = [];
    await m.loadAll('fine-tune', Number.POSITIVE_INFINITY, (loaded) => pages.push(loaded));
    const group = m.group('fine-tune');
    assert.equal(group?.hasMore, false);
    assert.deepEqual(new Set(group?.files.map((f) => f.id)), new Set(uploaded.map((f) => f.id)));
    assert.deepEqual(pages, [4, 6, 8, 9]);
  });

  it('loadAll stops at maxFiles', async () => {
    const m = model();
    await m.ensureLoaded();
    await m.loadAll('fine-tune', 5);
    assert.equal(m.group('fine-tune')?.files.length, 6);
    assert.equal(m.group('fine-tune')?.hasMore, true);
  });

  it('ensureFileLoaded reaches the oldest file only when allowed enough pages', async () => {
    const oldest = uploaded[0];
    const short = model();
    assert.equal(await short.ensureFileLoaded(oldest, 2), false, 'two more pages of two do not reach the ninth file');
    const m = model();
    assert.equal(await m.ensureFileLoaded(oldest, 1000), true);
    assert.equal(m.find(oldest.id)?.group.purpose, 'fine-tune');
  });
});
