/**
 * The pure parts of Upload Folder… and the rough edges of the Files view: .gitignore rules, the folder walk, which
 * files can be previewed as text, where a download can be revealed, and relative ages.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatRelativeTime } from '../../src/util/format';
import { extensionCounts, listFolderFiles } from '../../src/util/folderFiles';
import { ignoredBy, parseGitignore } from '../../src/util/gitignore';
import { previewKind } from '../../src/util/previewKind';
import { revealTarget } from '../../src/util/revealTarget';

describe('.gitignore rules', () => {
  const rules = parseGitignore(['# comment', '', '*.log', '!keep.log', 'build/', '/top.txt', 'docs/**/draft-*.md', 'a?c', '[xy].tmp', '\\#hash'].join('\n'));
  const cases: Array<[string, boolean, boolean | undefined]> = [
    ['debug.log', false, true],
    ['deep/nested/debug.log', false, true],
    ['keep.log', false, false],
    ['build', true, true],
    ['build', false, undefined],
    ['src/build', true, true],
    ['top.txt', false, true],
    ['sub/top.txt', false, undefined],
    ['docs/draft-1.md', false, true],
    ['docs/a/b/draft-2.md', false, true],
    ['docs/final.md', false, undefined],
    ['abc', false, true],
    ['abbc', false, undefined],
    ['x.tmp', false, true],
    ['z.tmp', false, undefined],
    ['#hash', false, true],
  ];
  for (const [file, isDir, expected] of cases) {
    it(`${file}${isDir ? '/' : ''} → ${String(expected)}`, () => assert.equal(ignoredBy(rules, file, isDir), expected));
  }
});

describe('listFolderFiles', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-folder-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function write(relative: string, content = 'x'): void {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  }

  it('walks in name order, leaves out .git and what .gitignore files say (nested ones too), with sizes', async () => {
    fs.mkdirSync(path.join(root, '.git'));
    write('.git/config');
    write('.gitignore', 'node_modules/\n*.tmp\n');
    write('b.jsonl', '{"text":"b"}\n');
    write('a.jsonl', '{}\n');
    write('scratch.tmp');
    write('node_modules/pkg/index.js');
    write('data/.gitignore', 'private/\n!keep.tmp\n');
    write('data/keep.tmp');
    write('data/private/secret.jsonl');
    write('data/scan.pdf', '%PDF');
    const listing = await listFolderFiles(root);
    assert.deepEqual(listing.files.map((f) => f.relative), ['a.jsonl', 'b.jsonl', 'data/keep.tmp', 'data/scan.pdf']);
    assert.equal(listing.files[1].size, 13);
    // .git, the two .gitignore files, scratch.tmp, node_modules and data/private.
    assert.equal(listing.ignored, 6);
    assert.equal(listing.truncated, false);
    assert.deepEqual(extensionCounts(listing.files), [
      { extension: 'jsonl', count: 2 },
      { extension: 'pdf', count: 1 },
      { extension: 'tmp', count: 1 },
    ]);
  });

  it('follows the .gitignore of the repository above the chosen folder', async () => {
    fs.mkdirSync(path.join(root, '.git'));
    write('.gitignore', '*.bak\n');
    write('sub/a.jsonl');
    write('sub/a.bak');
    const listing = await listFolderFiles(path.join(root, 'sub'));
    assert.deepEqual(listing.files.map((f) => f.relative), ['a.jsonl']);
  });

  it('stops at maxFiles and says so', async () => {
    for (let i = 0; i < 5; i++) write(`f${i}.jsonl`);
    const listing = await listFolderFiles(root, { maxFiles: 3 });
    assert.equal(listing.files.length, 3);
    assert.equal(listing.truncated, true);
  });

  it('stops when aborted', async () => {
    write('a.jsonl');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(listFolderFiles(root, { signal: controller.signal }), { name: 'AbortError' });
  });
});

describe('previewKind', () => {
  it('shows text and images, and refuses PDFs, audio, documents and archives', () => {
    assert.equal(previewKind('train.jsonl'), 'text');
    assert.equal(previewKind('notes', 'text/plain'), 'text');
    assert.equal(previewKind('chart.png'), 'image');
    assert.equal(previewKind('invoice.pdf'), 'binary');
    assert.equal(previewKind('scan', 'application/pdf'), 'binary');
    assert.equal(previewKind('standup.wav'), 'binary');
    assert.equal(previewKind('report.docx'), 'binary');
    assert.equal(previewKind('photo.tiff'), 'binary', 'VS Code cannot render TIFF');
    assert.equal(previewKind('data.jsonl', 'application/octet-stream'), 'text', 'the name wins over a generic MIME type');
    assert.equal(previewKind('mystery'), 'text');
  });
});

describe('revealTarget', () => {
  it('uses the Explorer view inside the workspace, the OS only on a local desktop, nothing otherwise', () => {
    assert.equal(revealTarget('/work/ws/out/a.jsonl', ['/work/ws'], false, path.posix), 'explorer');
    assert.equal(revealTarget('/work/ws', ['/work/ws'], false, path.posix), 'explorer');
    assert.equal(revealTarget('/work/ws-other/a.jsonl', ['/work/ws'], true, path.posix), 'os');
    assert.equal(revealTarget('/home/me/Downloads/a.jsonl', ['/work/ws'], false, path.posix), undefined);
    assert.equal(revealTarget('C:\\Users\\me\\ws\\a.jsonl', ['C:\\Users\\me\\ws'], false, path.win32), 'explorer');
  });
});

describe('formatRelativeTime', () => {
  const now = Date.UTC(2026, 10, 30) ;
  const ago = (seconds: number) => formatRelativeTime(now / 1000 - seconds, now);
  it('counts days up to a whole month and months up to a whole year', () => {
    assert.equal(ago(24 * 86400), '24 days ago');
    assert.equal(ago(29 * 86400), '29 days ago');
    assert.equal(ago(31 * 86400), '1 month ago');
    assert.equal(ago(330 * 86400), '11 months ago');
    assert.equal(ago(50 * 60), '1 hour ago');
    assert.equal(formatRelativeTime(now / 1000 + 86400, now), 'in 1 day');
  });
});
