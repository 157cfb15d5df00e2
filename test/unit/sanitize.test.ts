import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { joinInside, sanitizeFilename, splitExtension, uniqueFilename } from '../../src/util/sanitizeFilename';

describe('sanitizeFilename', () => {
  it('keeps ordinary names untouched', () => {
    for (const name of ['train.jsonl', 'report 2024.pdf', '.env', 'données été.jsonl', '数据.jsonl', 'a-b_c.d.e']) {
      assert.equal(sanitizeFilename(name), name);
    }
  });

  it('drops traversal segments and joins the rest readably', () => {
    assert.equal(sanitizeFilename('../../etc/passwd'), 'etc_passwd');
    assert.equal(sanitizeFilename('..\\..\\windows\\system32\\drivers'), 'windows_system32_drivers');
    assert.equal(sanitizeFilename('/abs/path.jsonl'), 'abs_path.jsonl');
    assert.equal(sanitizeFilename('./a/./b'), 'a_b');
  });

  it('replaces characters Windows forbids', () => {
    assert.equal(sanitizeFilename('a/b\\c:d'), 'a_b_c_d');
    assert.equal(sanitizeFilename('what? <yes> "no" | *'), 'what_ _yes_ _no_ _ _');
    assert.equal(sanitizeFilename('C:\\Users\\x.txt'), 'C__Users_x.txt');
  });

  it('strips control and bidi characters', () => {
    assert.equal(sanitizeFilename('a\u0000b\nc\td\u007f.txt'), 'abcd.txt');
    assert.equal(sanitizeFilename('invoice\u202Egpj.exe'), 'invoicegpj.exe');
    assert.equal(sanitizeFilename('\u0085x\u009f'), 'x');
  });

  it('drops trailing dots and spaces and leading spaces', () => {
    assert.equal(sanitizeFilename('name. . '), 'name');
    assert.equal(sanitizeFilename('  padded.txt  '), 'padded.txt');
    assert.equal(sanitizeFilename('file.jsonl.'), 'file.jsonl');
  });

  it('prefixes reserved Windows device names, with or without extension', () => {
    assert.equal(sanitizeFilename('CON'), '_CON');
    assert.equal(sanitizeFilename('con.txt'), '_con.txt');
    assert.equal(sanitizeFilename('lpt9.jsonl'), '_lpt9.jsonl');
    assert.equal(sanitizeFilename('Nul'), '_Nul');
    assert.equal(sanitizeFilename('console.txt'), 'console.txt');
    // Windows ignores spaces before the dot and everything after the first dot: each of these is the device.
    for (const name of ['CON .txt', 'con  .txt', 'nul.tar.gz', 'AUX . x', 'Com¹ .log', 'lpt0.txt', 'CONIN$ .a', 'clock$']) {
      assert.equal(sanitizeFilename(name), `_${name}`, name);
    }
    for (const name of ['CONx.txt', 'con_.txt', 'x CON.txt', 'nul-1.txt']) assert.equal(sanitizeFilename(name), name);
    assert.equal(sanitizeFilename('com10'), 'com10');
  });

  it('falls back when nothing readable is left', () => {
    assert.equal(sanitizeFilename('', 'file-123'), 'file-123');
    assert.equal(sanitizeFilename('..', 'x'), 'x');
    assert.equal(sanitizeFilename('../..//\\', 'x'), 'x');
    assert.equal(sanitizeFilename('....', 'x'), 'x');
    assert.equal(sanitizeFilename('\u0000\u0001'), 'download');
    assert.equal(sanitizeFilename('', '../'), 'download');
  });

  it('caps names at 255 UTF-8 bytes, keeping the extension and whole characters', () => {
    const long = `${'é'.repeat(300)}.jsonl`;
    const out = sanitizeFilename(long);
    assert.ok(Buffer.byteLength(out, 'utf8') <= 255, `${Buffer.byteLength(out)} bytes`);
    assert.ok(out.endsWith('.jsonl'));
    assert.ok(!out.includes('\ufffd'));
    const emoji = sanitizeFilename('😀'.repeat(100));
    assert.ok(Buffer.byteLength(emoji, 'utf8') <= 255);
    assert.equal([...emoji].every((c) => c === '😀'), true);
  });

  it('never produces a name that resolves outside the folder (fuzz)', () => {
    const alphabet = ['.', '..', '/', '\\', ':', 'a', 'é', ' ', '\u0000', 'CON', '\u202e', '~', '$'];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const folder = path.resolve(os.tmpdir(), 'sanitize-fuzz');
    for (let i = 0; i < 5000; i++) {
      let name = '';
      const parts = 1 + Math.floor(random() * 12);
      for (let p = 0; p < parts; p++) name += alphabet[Math.floor(random() * alphabet.length)];
      const out = sanitizeFilename(name, 'fallback');
      assert.ok(out.length > 0);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[/\\<>:"|?*\u0000-\u001f]/.test(out), `${JSON.stringify(name)} -> ${JSON.stringify(out)}`);
      assert.ok(out !== '.' && out !== '..');
      assert.ok(!/[. ]$/.test(out), `${JSON.stringify(out)} ends with dot or space`);
      assert.equal(path.dirname(joinInside(folder, out)), folder);
    }
  });
});

describe('uniqueFilename', () => {
  it('adds " (n)" before the extension until the name is free', () => {
    const taken = new Set(['a.jsonl', 'a (1).jsonl']);
    assert.equal(uniqueFilename('a.jsonl', (c) => taken.has(c)), 'a (2).jsonl');
    assert.equal(uniqueFilename('b.jsonl', (c) => taken.has(c)), 'b.jsonl');
    assert.equal(uniqueFilename('.env', (c) => c === '.env'), '.env (1)');
    assert.equal(uniqueFilename('noext', (c) => c === 'noext'), 'noext (1)');
  });

  it('works against a real folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unique-'));
    try {
      fs.writeFileSync(path.join(dir, 'x.txt'), '');
      fs.writeFileSync(path.join(dir, 'x (1).txt'), '');
      assert.equal(uniqueFilename('x.txt', (c) => fs.existsSync(path.join(dir, c))), 'x (2).txt');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('splitExtension / joinInside', () => {
  it('splits at the last dot, not a leading one', () => {
    assert.deepEqual(splitExtension('a.tar.gz'), { stem: 'a.tar', ext: '.gz' });
    assert.deepEqual(splitExtension('.bashrc'), { stem: '.bashrc', ext: '' });
  });

  it('refuses names that would escape the folder', () => {
    const folder = path.resolve(os.tmpdir(), 'x');
    assert.throws(() => joinInside(folder, '../y'));
    assert.throws(() => joinInside(folder, 'a/b'));
    assert.throws(() => joinInside(folder, '..'));
    assert.equal(joinInside(folder, 'ok.txt'), path.join(folder, 'ok.txt'));
  });
});
