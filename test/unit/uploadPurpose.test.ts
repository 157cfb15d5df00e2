import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { looksLikeBatch, readHead, suggestPurpose } from '../../src/extension/files/purposeDetection';

const instruct = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}';
const batch = '{"custom_id":"0","body":{"max_tokens":10,"messages":[{"role":"user","content":"x"}]}}';

describe('suggestPurpose', () => {
  it('maps documents and images to ocr and audio to audio, case-insensitively', () => {
    assert.equal(suggestPurpose('scan.PDF', undefined), 'ocr');
    assert.equal(suggestPurpose('photo.jpeg', undefined), 'ocr');
    assert.equal(suggestPurpose('slides.pptx', undefined), 'ocr');
    assert.equal(suggestPurpose('talk.mp3', undefined), 'audio');
    assert.equal(suggestPurpose('talk.FLAC', undefined), 'audio');
  });

  it('suggests fine-tune for conversations and batch for request lines', () => {
    assert.equal(suggestPurpose('train.jsonl', `${instruct}\n${instruct}\n`), 'fine-tune');
    assert.equal(suggestPurpose('train.jsonl', '{"text":"raw pretraining text"}\n'), 'fine-tune');
    assert.equal(suggestPurpose('requests.jsonl', `${batch}\n${batch}\n`), 'batch');
    assert.equal(suggestPurpose('requests.jsonl', `\uFEFF${batch}\r\n\r\n${batch}\r\n`), 'batch');
    assert.equal(suggestPurpose('empty.jsonl', ''), 'fine-tune');
    assert.equal(suggestPurpose('unreadable.jsonl', undefined), 'fine-tune');
  });

  it('has no opinion on unknown extensions', () => {
    assert.equal(suggestPurpose('notes.txt', 'hello'), undefined);
    assert.equal(suggestPurpose('Makefile', undefined), undefined);
  });
});

describe('looksLikeBatch', () => {
  it('follows the majority of the first lines, ignoring broken ones', () => {
    assert.equal(looksLikeBatch(`${batch}\n{broken\n${batch}\n${instruct}\n`), true);
    assert.equal(looksLikeBatch(`${instruct}\n${batch}\n${instruct}\n`), false);
    assert.equal(looksLikeBatch('{"custom_id":"1"}\n'), true);
    assert.equal(looksLikeBatch('{"custom_id":"1","messages":[]}\n'), false);
    assert.equal(looksLikeBatch('[1,2]\n"x"\n'), false);
  });

  it('reads the leading key of a first line cut off by the head limit', () => {
    assert.equal(looksLikeBatch(`{"custom_id":"a","body":{"messages":[{"content":"${'x'.repeat(1000)}`), true);
    assert.equal(looksLikeBatch(`{"messages":[{"role":"user","content":"${'x'.repeat(1000)}`), false);
  });
});

describe('readHead', () => {
  it('reads only the first bytes and tolerates a missing file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'head-'));
    try {
      const file = path.join(dir, 'a.jsonl');
      fs.writeFileSync(file, `${batch}\n`.repeat(1000));
      const head = await readHead(file, 200);
      assert.equal(head?.length, 200);
      assert.equal(head, fs.readFileSync(file, 'utf8').slice(0, 200));
      assert.equal(await readHead(path.join(dir, 'missing.jsonl')), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
