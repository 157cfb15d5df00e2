import * as assert from 'node:assert/strict';
import type { FilesApi } from '../../src/api/files/filesApi';
import { MistralApiError } from '../../src/api/core/errors';
import type { FileList, ListFilesParams, MistralFile, CallOptions } from '../../src/api/files/types';
import { FilesModel, type FileFilter } from '../../src/extension/files/tree/filesModel';

function file(id: string, purpose: string, extra: Partial<MistralFile> = {}): MistralFile {
  return { id, object: 'file', bytes: 10, created_at: 1_700_000_000, filename: `${id}.jsonl`, purpose, sample_type: 'instruct', source: 'upload', ...extra };
}

/** An in-memory Files API listing like the service: newest first, server-side filters, a closed purpose enum. */
class FakeFilesApi implements Pick<FilesApi, 'list'> {
  calls: ListFilesParams[] = [];
  failNext: MistralApiError | undefined;
  /** When set, the next call waits for this before answering. */
  holdNext: Promise<void> | undefined;
  /** While set, every call made waits for this before answering. */
  holdAll: Promise<void> | undefined;
  constructor(public files: MistralFile[], private readonly filterablePurposes = ['fine-tune', 'batch', 'ocr', 'audio']) {}

  async list(params: ListFilesParams = {}, options: CallOptions = {}): Promise<FileList> {
    this.calls.push(params);
    // What the service holds when the request arrives; the answer comes a moment later.
    const files = this.files;
    const hold = this.holdNext ?? this.holdAll;
    this.holdNext = undefined;
    const err = this.failNext;
    this.failNext = undefined;
    await new Promise((resolve) => setImmediate(resolve));
    await hold;
    if (options.signal?.aborted) throw new MistralApiError({ kind: 'aborted', message: 'aborted' });
    if (err) throw err;
    if (params.purpose !== undefined && !this.filterablePurposes.includes(params.purpose)) {
      throw new MistralApiError({ kind: 'http', status: 422, message: `Input should be ${this.filterablePurposes.join(', ')}` });
    }
    const matching = files.filter(
      (f) =>
        (params.purpose === undefined || f.purpose === params.purpose) &&
        (params.search === undefined || f.filename.toLowerCase().includes(params.search.toLowerCase())) &&
        (params.sampleType === undefined || params.sampleType.includes(f.sample_type)) &&
        (params.source === undefined || params.source.includes(f.source)),
    );
    const page = params.page ?? 0;
    const size = params.pageSize ?? 100;
    return { object: 'list', data: matching.slice(page * size, (page + 1) * size), total: params.includeTotal ? matching.length : null };
  }
}

function model(api: FakeFilesApi, pageSize: number, filter: FileFilter = {}, changes: Array<string | undefined> = []): FilesModel {
  return new FilesModel(api as unknown as FilesApi, { pageSize: () => pageSize, filter: () => filter, onDidChange: (p) => changes.push(p) });
}

describe('FilesModel (the data behind the Files tree)', () => {
  it('shows the four known purposes always, with counts from the server total, in a fixed order', async () => {
    const api = new FakeFilesApi([file('a', 'batch'), file('b', 'fine-tune'), file('c', 'fine-tune')]);
    const m = model(api, 100);
    await m.ensureLoaded();
    assert.equal(m.rootState.kind, 'ready');
    assert.deepEqual(m.groups().map((g) => [g.purpose, g.total, g.files.length]), [
      ['fine-tune', 2, 2],
      ['batch', 1, 1],
      ['ocr', 0, 0],
      ['audio', 0, 0],
    ]);
    const purposeCalls = api.calls.filter((c) => c.purpose !== undefined);
    assert.ok(purposeCalls.every((c) => c.includeTotal === true && c.page === 0 && c.pageSize === 100));
  });

  it('pages a group with Load more until the total is reached, without duplicates', async () => {
    const files = Array.from({ length: 7 }, (_, i) => file(`f${i}`, 'fine-tune'));
    const api = new FakeFilesApi(files);
    const m = model(api, 3);
    await m.ensureLoaded();
    const group = m.group('fine-tune')!;
    assert.deepEqual([group.files.length, group.hasMore], [3, true]);
    await m.loadMore('fine-tune');
    assert.deepEqual([group.files.length, group.hasMore], [6, true]);
    await m.loadMore('fine-tune');
    assert.deepEqual([group.files.length, group.hasMore], [7, false]);
    assert.deepEqual(group.files.map((f) => f.id), files.map((f) => f.id));
    assert.deepEqual(api.calls.filter((c) => c.purpose === 'fine-tune').map((c) => c.page), [0, 1, 2]);
  });

  it('passes the filter to every query the server answers', async () => {
    const api = new FakeFilesApi([file('train-1', 'fine-tune'), file('eval-1', 'fine-tune'), file('train-2', 'batch', { source: 'mistral' })]);
    const m = model(api, 100, { search: 'train', sources: ['upload'] });
    await m.ensureLoaded();
    assert.ok(api.calls.every((c) => c.search === 'train' && c.source?.join() === 'upload'));
    assert.deepEqual(m.group('fine-tune')!.files.map((f) => f.id), ['train-1']);
    assert.equal(m.group('batch')!.total, 0);
  });

  it('puts a purpose the server does not filter by into its own group, collected from the unfiltered listing', async () => {
    const api = new FakeFilesApi([file('d1', 'distillation'), file('f1', 'fine-tune'), file('d2', 'distillation')]);
    const m = model(api, 100);
    await m.ensureLoaded();
    assert.deepEqual(m.groups().map((g) => g.purpose), ['fine-tune', 'batch', 'ocr', 'audio', 'distillation']);
    const group = m.group('distillation')!;
    assert.equal(group.mode, 'client');
    assert.equal(group.known, false);
    assert.deepEqual(group.files.map((f) => f.id), ['d1', 'd2']);
    assert.equal(group.total, 2);
  });

  it('uses the server filter for an unknown purpose when the server accepts it', async () => {
    const api = new FakeFilesApi([file('d1', 'distillation'), file('f1', 'fine-tune')], ['fine-tune', 'batch', 'ocr', 'audio', 'distillation']);
    const m = model(api, 100);
    await m.ensureLoaded();
    assert.equal(m.group('distillation')!.mode, 'server');
    assert.ok(api.calls.some((c) => c.purpose === 'distillation'));
  });

  it('finds unknown purposes on later pages of the listing through Load more of a listing-filled group', async () => {
    const files = [file('f1', 'fine-tune'), file('f2', 'fine-tune'), file('x1', 'mystery'), file('x2', 'mystery')];
    // This server refuses the `ocr` filter, so the OCR group is filled from the unfiltered listing, 2 per page.
    const api = new FakeFilesApi(files, ['fine-tune', 'batch', 'audio']);
    const changes: Array<string | undefined> = [];
    const m = model(api, 2, {}, changes);
    await m.ensureLoaded();
    assert.equal(m.group('mystery'), undefined, 'not on the first page of the listing');
    assert.equal(m.group('ocr')!.mode, 'client');
    assert.equal(m.group('ocr')!.hasMore, true);
    changes.length = 0;
    await m.loadMore('ocr');
    assert.deepEqual(m.group('mystery')?.files.map((f) => f.id), ['x1', 'x2']);
    assert.ok(changes.includes(undefined), 'a new group is announced as a root change');
    assert.equal(m.group('ocr')!.hasMore, false);
    assert.equal(m.group('ocr')!.total, 0);
  });

  it('records a failed root load without throwing, and recovers on reset', async () => {
    const api = new FakeFilesApi([file('a', 'ocr')]);
    api.failNext = new MistralApiError({ kind: 'network', message: 'connect ECONNREFUSED' });
    const m = model(api, 100);
    await m.ensureLoaded();
    assert.equal(m.rootState.kind, 'failed');
    assert.deepEqual(m.groups(), []);
    m.reset();
    await m.ensureLoaded();
    assert.equal(m.rootState.kind, 'ready');
    assert.equal(m.group('ocr')!.total, 1);
  });

  it('keeps a Load more failure on the group and rethrows it; the next attempt clears it', async () => {
    const api = new FakeFilesApi(Array.from({ length: 3 }, (_, i) => file(`f${i}`, 'batch')));
    const m = model(api, 2);
    await m.ensureLoaded();
    api.failNext = new MistralApiError({ kind: 'http', status: 503, message: 'Service unavailable' });
    await assert.rejects(m.loadMore('batch'), /Service unavailable/);
    assert.ok(m.group('batch')!.error instanceof MistralApiError);
    await m.loadMore('batch');
    assert.equal(m.group('batch')!.error, undefined);
    assert.equal(m.group('batch')!.files.length, 3);
  });

  it('reloads a group keeping the pages that were shown, in one request', async () => {
    const api = new FakeFilesApi(Array.from({ length: 7 }, (_, i) => file(`f${i}`, 'fine-tune')));
    const m = model(api, 2);
    await m.ensureLoaded();
    await m.loadMore('fine-tune');
    await m.loadMore('fine-tune');
    api.files.unshift(file('new', 'fine-tune'));
    api.calls = [];
    await m.reloadGroup('fine-tune');
    assert.deepEqual(api.calls.map((c) => [c.page, c.pageSize]), [[0, 6]]);
    const group = m.group('fine-tune')!;
    assert.deepEqual(group.files.map((f) => f.id), ['new', 'f0', 'f1', 'f2', 'f3', 'f4']);
    assert.equal(group.total, 8);
    await m.loadMore('fine-tune');
    assert.deepEqual(api.calls.at(-1), { search: undefined, sampleType: undefined, source: undefined, purpose: 'fine-tune', page: 3, pageSize: 2, includeTotal: true });
    assert.equal(group.files.length, 8);
  });

  it('loads pages until a file to reveal is found', async () => {
    const files = Array.from({ length: 9 }, (_, i) => file(`f${i}`, 'batch'));
    const api = new FakeFilesApi(files);
    const m = model(api, 2);
    await m.ensureLoaded();
    assert.equal(await m.ensureFileLoaded(files[7]), true);
    assert.ok(m.find('f7'));
    assert.equal(await m.ensureFileLoaded(file('absent', 'batch')), false);
  });

  it('revealing a file while its group reloads waits for that reload instead of listing again', async () => {
    const api = new FakeFilesApi([file('old', 'fine-tune')]);
    const m = model(api, 10);
    await m.ensureLoaded();
    const uploaded = file('new', 'fine-tune');
    api.files = [uploaded, ...api.files];
    api.calls = [];
    const reload = m.reloadGroup('fine-tune'); // the refresh an upload starts
    assert.equal(await m.ensureFileLoaded(uploaded), true);
    await reload;
    assert.equal(api.calls.length, 1, 'one list request for the group');
  });

  it('a Load more failure that lands after a reload leaves the reloaded group clean', async () => {
    const api = new FakeFilesApi(Array.from({ length: 3 }, (_, i) => file(`f${i}`, 'batch')));
    const m = model(api, 2);
    await m.ensureLoaded();
    api.failNext = new MistralApiError({ kind: 'http', status: 503, message: 'Service unavailable' });
    let release = (): void => undefined;
    api.holdNext = new Promise((resolve) => (release = resolve));
    const more = m.loadMore('batch');
    await m.reloadGroup('batch');
    release();
    await assert.rejects(more, /Service unavailable/);
    assert.equal(m.group('batch')!.error, undefined);
    assert.equal(m.group('batch')!.hasMore, true);
  });

  it('ignores an answer that arrives after a reset, even when it arrives after the new one', async () => {
    const api = new FakeFilesApi([file('a', 'fine-tune')]);
    const m = model(api, 100);
    let releaseStale!: () => void;
    api.holdAll = new Promise<void>((resolve) => (releaseStale = resolve));
    const first = m.ensureLoaded().catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    api.holdAll = undefined;
    m.reset();
    api.files = [file('b', 'fine-tune')];
    assert.equal(await m.settled().then((s) => s.kind), 'ready');
    assert.deepEqual(m.group('fine-tune')!.files.map((f) => f.id), ['b']);
    // The answers to the requests made before the reset (listing "a") come last; they must change nothing.
    releaseStale();
    await first;
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(m.rootState.kind, 'ready');
    assert.deepEqual(m.group('fine-tune')!.files.map((f) => f.id), ['b']);
  });
});
