/**
 * The local writers other than the download (convert, split, the CLI's ocr and transcribe) follow the rules of
 * src/util/safeOutput.ts: a file that appears at the destination meanwhile is left as it is unless replacing was
 * allowed, a FIFO is written into and stays a FIFO, and no `.part` file is left after a failure or a signal exit.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { join } from 'node:path';
import { convertFile } from '../../src/convert/convert';
import { reportPdf, toneWav } from '../emulator/seedContent';
import { runCliIn, startHarness, writeFile, type Harness } from './clientSupport/fixture';
import { OutputExistsError, splitFile } from '../../src/convert/split';
import { removeLiveTempFilesSync } from '../../src/util/safeOutput';

function record(k: number): string {
  return JSON.stringify({ messages: [{ role: 'user', content: `question ${k}` }, { role: 'assistant', content: `answer ${k} ${'a'.repeat(200)}` }] });
}

/** A FIFO at `path` and a `cat` reading it; undefined where FIFOs cannot be made. */
function fifoWithReader(path: string): { text: Promise<string>; stop: () => void } | undefined {
  try {
    execFileSync('mkfifo', [path]);
  } catch {
    return undefined;
  }
  // A child process, not this one: a reader stuck in open() could be killed, where a thread-pool thread could not.
  const child = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { text: new Promise((resolve) => child.on('close', () => resolve(text))), stop: () => child.kill() };
}

describe('safe output: convert, split, ocr, transcribe, batch build', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mf-safe-output-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const partFiles = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.part'));
  const bigInput = (): string => write('big.jsonl', `${Array.from({ length: 10000 }, (_, k) => record(k)).join('\n')}\n`);

  describe('convert', () => {
    it('a file created at the destination during the conversion is left as it is when replacing was not allowed', async () => {
      const out = join(dir, 'out.jsonl');
      let created = false;
      const onProgress = (): void => {
        if (created) return;
        created = true;
        writeFileSync(out, 'mine\n');
      };
      await assert.rejects(convertFile(bigInput(), out, { overwrite: false, onProgress }), (err: Error) => {
        assert.equal(err.message, `${out} appeared while the conversion ran and was left as it is; convert again and allow replacing it, or choose another name`);
        return true;
      });
      assert.equal(readFileSync(out, 'utf8'), 'mine\n');
      assert.deepEqual(partFiles(), []);
    });

    it('a FIFO destination receives the JSONL and stays a FIFO', async function () {
      const fifo = join(dir, 'out.pipe');
      const reader = fifoWithReader(fifo);
      if (!reader) this.skip();
      try {
        const result = await convertFile(write('in.jsonl', `${record(1)}\n${record(2)}\n`), fifo);
        assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
        assert.equal(result.outputWritten, true);
        assert.equal(result.validation, undefined, 'a pipe cannot be read back to validate');
        assert.deepEqual((await reader.text).trimEnd().split('\n'), [record(1), record(2)]);
        assert.deepEqual(readdirSync(dir).sort(), ['in.jsonl', 'out.pipe']);
      } finally {
        reader.stop();
      }
    });

    it('removeLiveTempFilesSync (the CLI\'s exit handler) removes the temp file of a conversion still running', async () => {
      const out = join(dir, 'out.jsonl');
      const controller = new AbortController();
      let before: string[] = [];
      let after: string[] = [];
      const onProgress = (): void => {
        if (controller.signal.aborted) return;
        before = partFiles();
        removeLiveTempFilesSync();
        after = partFiles();
        controller.abort();
      };
      await assert.rejects(convertFile(bigInput(), out, { signal: controller.signal, onProgress }), { name: 'AbortError' });
      assert.equal(before.length, 1, 'the conversion was writing its temp file');
      assert.deepEqual(after, []);
      assert.deepEqual(readdirSync(dir), ['big.jsonl']);
    });

    it('a folder as the destination is refused with what to do, and nothing is left', async () => {
      await assert.rejects(convertFile(bigInput(), dir), (err: Error) => err.message === `Cannot save to ${dir}: it is a folder; give a file name`);
      assert.deepEqual(readdirSync(dir), ['big.jsonl']);
    });
  });

  describe('split', () => {
    const input = (): string => write('data.jsonl', `${Array.from({ length: 400 }, (_, k) => record(k)).join('\n')}\n`);

    it('an output created during the split is left as it is without force, with a clear message; force replaces it', async () => {
      const path = input();
      const validation = join(dir, 'data.validation.jsonl');
      let created = false;
      const onProgress = (done: number, total: number): void => {
        // The second pass: the outputs are open, their names were free when the split began.
        if (created || done <= total / 2) return;
        created = true;
        writeFileSync(validation, 'mine\n');
      };
      await assert.rejects(splitFile(path, { validation: { fraction: 0.1 }, onProgress }), (err: Error) => {
        assert.ok(err instanceof OutputExistsError, 'the extension asks "replace?" on this error');
        assert.equal(err.path, validation);
        assert.equal(err.message, `${validation} appeared while the split ran and was left as it is; remove it or allow replacing it (--force)`);
        return true;
      });
      assert.equal(readFileSync(validation, 'utf8'), 'mine\n');
      assert.deepEqual(partFiles(), []);
      await splitFile(path, { validation: { fraction: 0.1 }, force: true });
      assert.notEqual(readFileSync(validation, 'utf8'), 'mine\n');
    });

    it('is all or nothing: when a later output appeared meanwhile, the one already published is taken back', async () => {
      const path = input();
      const validation = join(dir, 'data.validation.jsonl');
      const train = join(dir, 'data.train.jsonl');
      let created = false;
      const onProgress = (done: number, total: number): void => {
        if (created || done <= total / 2) return;
        created = true;
        // The train file is published after the validation file.
        writeFileSync(train, 'mine\n');
      };
      await assert.rejects(splitFile(path, { validation: { fraction: 0.1 }, onProgress }), (err: Error) => err instanceof OutputExistsError && err.path === train);
      assert.equal(readFileSync(train, 'utf8'), 'mine\n');
      assert.equal(existsSync(validation), false, 'half a split was left: the validation file without its train file');
      assert.deepEqual(partFiles(), []);
    });

    it('a FIFO output (with --force, as it exists) receives its lines and stays a FIFO', async function () {
      const path = input();
      const fifo = join(dir, 'data.validation.jsonl');
      const reader = fifoWithReader(fifo);
      if (!reader) this.skip();
      try {
        const result = await splitFile(path, { validation: { fraction: 0.1 }, force: true });
        assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
        const validationLines = (await reader.text).trimEnd().split('\n');
        assert.equal(validationLines.length, result.outputs.find((output) => output.role === 'validation')?.lines);
        assert.equal(readFileSync(join(dir, 'data.train.jsonl'), 'utf8').split('\n').length - 1 + validationLines.length, 400);
        assert.deepEqual(partFiles(), []);
      } finally {
        reader.stop();
      }
    });

    it('a failure on one output removes every temp file and publishes nothing', async () => {
      const path = input();
      const controller = new AbortController();
      const onProgress = (done: number, total: number): void => {
        if (done > total / 2) controller.abort();
      };
      await assert.rejects(splitFile(path, { validation: { fraction: 0.1 }, signal: controller.signal, onProgress }), { name: 'AbortError' });
      assert.deepEqual(readdirSync(dir), ['data.jsonl']);
      assert.ok(!existsSync(join(dir, 'data.train.jsonl')));
    });
  });

  describe('CLI ocr and transcribe', () => {
    let h: Harness;
    const outputs: string[] = [];
    beforeEach(async () => (h = await startHarness()));
    afterEach(async () => h.close());
    const workParts = (): string[] => fs.readdirSync(h.workDir).filter((name) => name.endsWith('.part'));

    /** Runs the CLI with the service's answer held back, and creates `name` in the work folder while it waits. */
    async function createdDuringTheCall(route: string, name: string, args: string[]): Promise<{ code: number; stderr: string }> {
      h.emulator.faults.add({ method: 'POST', path: `${route}$`, delayMs: 1000 });
      const run = runCliIn(h, args, outputs);
      await new Promise((resolve) => setTimeout(resolve, 400));
      fs.writeFileSync(path.join(h.workDir, name), 'mine\n');
      return run;
    }

    it('ocr: a Markdown file created while the service read the document is left as it is, without --force', async () => {
      const id = (await h.client().files.upload(writeFile(h.workDir, 'source.pdf', reportPdf()), { purpose: 'ocr' })).id;
      fs.rmSync(path.join(h.workDir, 'source.pdf'));
      const markdown = path.join(h.workDir, 'source.md');
      const run = await createdDuringTheCall('/v1/ocr', 'source.md', ['ocr', id]);
      assert.equal(run.code, 2);
      assert.equal(run.stderr, `Error: ${markdown} appeared while OCR ran and was left as it is; pass --force to replace it or --out to choose another folder\n`);
      assert.equal(fs.readFileSync(markdown, 'utf8'), 'mine\n');
      assert.deepEqual(workParts(), []);
    });

    it('transcribe --out: a file created during the call is left as it is; a FIFO is written into without --force', async function () {
      const id = (await h.client().files.upload(writeFile(h.workDir, 'standup.wav', toneWav()), { purpose: 'audio' })).id;
      const out = path.join(h.workDir, 'standup.txt');
      const run = await createdDuringTheCall('/v1/audio/transcriptions', 'standup.txt', ['transcribe', id, '--out', 'standup.txt']);
      assert.equal(run.code, 2);
      assert.equal(run.stderr, `Error: ${out} appeared while the transcription ran and was left as it is; pass --force to replace it or give another --out\n`);
      assert.equal(fs.readFileSync(out, 'utf8'), 'mine\n');
      assert.deepEqual(workParts(), []);

      const fifo = path.join(h.workDir, 'standup.pipe');
      const reader = fifoWithReader(fifo);
      if (!reader) this.skip();
      try {
        const piped = await runCliIn(h, ['transcribe', id, '--out', 'standup.pipe'], outputs);
        assert.equal(piped.code, 0, piped.stderr);
        assert.equal(await reader.text, 'Emulated transcript of standup.wav (1 s).\n');
        assert.ok(fs.statSync(fifo).isFIFO(), 'still a FIFO');
        assert.deepEqual(workParts(), []);
      } finally {
        reader.stop();
      }
    });

    it('batch build --out a FIFO writes the requests into it (no --force needed) and leaves it a FIFO', async function () {
      writeFile(h.workDir, 'prompts.txt', 'First question?\nSecond question?\n');
      const fifo = path.join(h.workDir, 'requests.pipe');
      const reader = fifoWithReader(fifo);
      if (!reader) this.skip();
      try {
        const run = await runCliIn(h, ['batch', 'build', '--from', 'prompts.txt', '--model', 'mistral-small-latest', '--out', 'requests.pipe'], outputs);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, `Wrote 2 requests to ${fifo}\n`);
        assert.equal((await reader.text).trimEnd().split('\n').length, 2);
        assert.ok(fs.statSync(fifo).isFIFO(), 'still a FIFO');
        assert.deepEqual(workParts(), []);
      } finally {
        reader.stop();
      }
    });

    it('transcribe --out into a missing folder is refused before the (billed) call', async () => {
      const id = (await h.client().files.upload(writeFile(h.workDir, 'standup.wav', toneWav()), { purpose: 'audio' })).id;
      const out = path.join(h.workDir, 'nowhere', 'standup.txt');
      const run = await runCliIn(h, ['transcribe', id, '--out', out], outputs);
      assert.equal(run.code, 2);
      assert.equal(run.stderr, `Error: Cannot save to ${out}: the folder ${path.dirname(out)} does not exist\n`);
    });
  });
});
