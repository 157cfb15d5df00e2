/**
 * `node dist/cli.js` against the hostile server (test/unit/hostileSupport): however the process is ended nothing
 * partial is left, nothing that appeared meanwhile is replaced, special destinations are never turned into files,
 * server strings cannot drive the terminal, and a server that never answers is cut by --timeout.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_KEY } from './clientSupport/fixture';
import { fileObject, sendJson, silence, startHostileServer, type Behaviour, type HostileServer } from './hostileSupport/hostileServer';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const ID = fileObject().id as string;
const ESC = '\x1b';

interface Run {
  code: number | null;
  /** Set when the process ended by a signal's default action (the shell then reports 128 + its number). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Content that arrives in two halves: the second only once `release` is called. */
function heldContent(first: Buffer, second: Buffer): { behaviour: Behaviour; release: () => void } {
  let release: () => void = () => undefined;
  const behaviour: Behaviour = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(first.length + second.length) });
    res.write(first);
    release = () => res.end(second);
    res.on('error', () => undefined);
  };
  return { behaviour, release: () => release() };
}

describe('hostile server: the CLI', function () {
  this.timeout(120_000);
  let server: HostileServer;
  let workDir: string;

  before(() => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  });
  beforeEach(async () => {
    server = await startHostileServer();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-hostile-cli-'));
    fs.chmodSync(workDir, 0o777);
    server.on('GET', new RegExp(`^/v1/files/${ID}$`), (_req, res) => sendJson(res, 200, fileObject({ filename: 'data.bin' })));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  function start(args: string[], options: { uid?: number; cli?: string } = {}): { child: ChildProcess; done: Promise<Run> } {
    const child = spawn(process.execPath, [options.cli ?? CLI, ...args], {
      cwd: workDir,
      env: { PATH: process.env.PATH, MISTRAL_API_KEY: TEST_KEY, MISTRAL_BASE_URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<Run>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    return { child, done };
  }
  const cli = (args: string[], options: { uid?: number; cli?: string } = {}): Promise<Run> => start(args, options).done;

  /** Resolves once a download's hidden temp file exists in the work folder. */
  async function partFileAppears(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (fs.readdirSync(workDir).some((name) => name.endsWith('.part'))) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no .part file appeared');
  }

  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} during a download leaves no .part file and exits ${code}`, async () => {
      server.on('GET', /\/content$/, heldContent(Buffer.alloc(64 * 1024, 1), Buffer.alloc(10)).behaviour);
      const run = start(['download', ID]);
      await partFileAppears();
      run.child.kill(signal);
      const result = await run.done;
      assert.equal(result.code, code, result.stderr);
      assert.deepEqual(fs.readdirSync(workDir), []);
    });
  }

  it('SIGTERM during a convert leaves no .part file and exits 143', async () => {
    const line = JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a'.repeat(200) }] });
    fs.writeFileSync(path.join(workDir, 'data.jsonl'), `${line}\n`.repeat(150_000));
    const run = start(['convert', 'data.jsonl', '--out', 'out.jsonl']);
    await partFileAppears();
    run.child.kill('SIGTERM');
    const result = await run.done;
    assert.equal(result.code, 143, result.stderr);
    assert.deepEqual(fs.readdirSync(workDir), ['data.jsonl']);
  });

  it('Ctrl-C twice in quick succession quits at once and leaves no .part file', async () => {
    server.on('GET', /\/content$/, heldContent(Buffer.alloc(64 * 1024, 1), Buffer.alloc(10)).behaviour);
    const run = start(['download', ID]);
    await partFileAppears();
    // Pressed repeatedly until the process is gone: a later press lands while the first one's clean-up still runs.
    run.child.kill('SIGINT');
    const presses = setInterval(() => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGINT');
    }, 1);
    const result = await run.done.finally(() => clearInterval(presses));
    // Ended by SIGINT itself (what a shell reports as 130), or by the cancelled run's own exit code 130.
    assert.ok(result.signal === 'SIGINT' || result.code === 130, `code ${result.code}, signal ${result.signal}: ${result.stderr}`);
    assert.deepEqual(fs.readdirSync(workDir), []);
  });

  it('a file created at the default name during the download is kept, with a clear message (exit 2)', async () => {
    const held = heldContent(Buffer.from('server half 1;'), Buffer.from('server half 2'));
    server.on('GET', /\/content$/, held.behaviour);
    const run = start(['download', ID]);
    await partFileAppears();
    fs.writeFileSync(path.join(workDir, 'data.bin'), 'mine');
    held.release();
    const result = await run.done;
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /data\.bin appeared while the download ran and was left as it is/);
    assert.equal(fs.readFileSync(path.join(workDir, 'data.bin'), 'utf8'), 'mine');
    assert.deepEqual(fs.readdirSync(workDir), ['data.bin']);
    // --force is the way to replace it.
    const again = heldContent(Buffer.from('new '), Buffer.from('content'));
    server.routes = server.routes.filter((route) => !String(route.path).includes('content'));
    server.on('GET', /\/content$/, (req, res, s) => {
      again.behaviour(req, res, s);
      again.release();
    });
    const forced = await cli(['download', ID, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(fs.readFileSync(path.join(workDir, 'data.bin'), 'utf8'), 'new content');
  });

  it('SIGTERM ends a download stuck opening a FIFO that nobody reads (no hang)', async function () {
    const fifo = path.join(workDir, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      this.skip();
    }
    let answered: () => void = () => undefined;
    const contentAsked = new Promise<void>((resolve) => (answered = resolve));
    server.on('GET', /\/content$/, (_req, res) => {
      res.writeHead(200, { 'content-length': '11' }).end('hello fifo\n');
      answered();
    });
    const run = start(['download', ID, '--out', 'pipe']);
    await contentAsked;
    // Opening a FIFO for writing blocks (in one of Node's worker threads) until a reader comes; none will.
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 30_000)));
    const result = await Promise.race([run.done, hung]).finally(() => clearTimeout(timer));
    if (result === 'hung') {
      run.child.kill('SIGKILL');
      assert.fail('the CLI was still running 30 s after SIGTERM');
    }
    assert.ok(result.signal === 'SIGTERM' || result.code === 143, `code ${result.code}, signal ${result.signal}: ${result.stderr}`);
    assert.ok(fs.statSync(fifo).isFIFO(), 'still a FIFO');
  });

  it('--out naming a FIFO streams into it and leaves it a FIFO', async function () {
    const fifo = path.join(workDir, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      this.skip();
    }
    server.on('GET', /\/content$/, (_req, res) => {
      res.writeHead(200, { 'content-length': '11' }).end('hello fifo\n');
    });
    const reader = new Promise<string>((resolve, reject) => {
      let text = '';
      fs.createReadStream(fifo).on('data', (chunk) => (text += String(chunk))).on('end', () => resolve(text)).on('error', reject);
    });
    const result = await cli(['download', ID, '--out', 'pipe']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await reader, 'hello fifo\n');
    assert.ok(fs.statSync(fifo).isFIFO(), 'still a FIFO');
    assert.deepEqual(fs.readdirSync(workDir), ['pipe']);
  });

  it('--out naming a character device writes through it and never replaces it', async function () {
    const device = path.join(workDir, 'null');
    try {
      execFileSync('mknod', [device, 'c', '1', '3']);
    } catch {
      this.skip(); // only root may create device nodes
    }
    server.on('GET', /\/content$/, (_req, res) => {
      res.writeHead(200, { 'content-length': '4' }).end('gone');
    });
    const result = await cli(['download', ID, '--out', 'null']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(fs.statSync(device).isCharacterDevice(), 'still the device');
    assert.deepEqual(fs.readdirSync(workDir), ['null']);
  });

  it('an unreadable upload source is refused before connecting: exit 2, a clear message, no stack trace', async function () {
    const secret = path.join(workDir, 'secret.jsonl');
    fs.writeFileSync(secret, '{}\n');
    fs.chmodSync(secret, 0o000);
    if (process.platform === 'win32') this.skip();
    // Root reads any file: run the CLI as "nobody" then, so the permission check is real. The bundle is
    // self-contained, so a copy in the (world-readable) work folder runs wherever the checkout lives.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    let cliCopy: string | undefined;
    if (uid !== undefined) {
      if (spawnSync(process.execPath, ['-e', ''], { uid, gid: uid }).status !== 0) this.skip(); // node not runnable as nobody
      cliCopy = path.join(workDir, 'cli.js');
      fs.copyFileSync(CLI, cliCopy);
      fs.chmodSync(cliCopy, 0o644);
    }
    server.on('POST', /^\/v1\/files$/, (_req, res) => sendJson(res, 200, fileObject()));
    const result = await cli(['upload', 'secret.jsonl'], { uid, cli: cliCopy });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr, `Error: Cannot read ${secret}: permission denied\n`);
    assert.deepEqual(server.seen, [], 'no request was made');
  });

  it('control characters in server strings never reach the terminal; --json stays valid and exact', async () => {
    const evil = `${ESC}]0;pwned\x07${ESC}[2J\x9b31m\r`;
    server.on('GET', /^\/v1\/files$/, (_req, res) =>
      sendJson(res, 200, { object: 'list', total: 1, data: [fileObject({ id: `id${evil}`, purpose: `p${evil}`, sample_type: `t${evil}`, filename: `n${evil}` })] }),
    );
    server.on('GET', /^\/v1\/files\/evil$/, (_req, res) => sendJson(res, 200, fileObject({ source: `s${evil}`, mimetype: `m${evil}`, signature: `g${evil}` })));
    server.on('GET', /^\/v1\/files\/evil\/url$/, (_req, res) => sendJson(res, 200, { url: `https://x.test/a${evil}` }));
    server.on('DELETE', /^\/v1\/files\/evil$/, (_req, res) => sendJson(res, 400, { message: `no${evil}`, request_id: `r${evil}` }));
    const outputs: string[] = [];
    for (const args of [['list'], ['get', 'evil'], ['url', 'evil'], ['delete', 'evil'], ['delete', 'evil', '--json']]) {
      const run = await cli(args);
      outputs.push(run.stdout, run.stderr);
    }
    for (const text of outputs) {
      // eslint-disable-next-line no-control-regex -- looking for exactly these
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text), `raw control characters in: ${JSON.stringify(text)}`);
    }
    const json = await cli(['list', '--json']);
    const parsed = JSON.parse(json.stdout) as { data: Array<{ id: string }> };
    assert.equal(parsed.data[0].id, `id${evil}`, 'the JSON still carries the exact value');
  });

  it('Ctrl-C after the whole upload was sent says the file may be stored and how to check (exit 130)', async () => {
    let interrupt: () => void = () => undefined;
    server.on('POST', /^\/v1\/files$/, (req) => {
      req.resume();
      req.on('end', () => interrupt());
    });
    fs.writeFileSync(path.join(workDir, 'sent.jsonl'), '{}\n');
    const run = start(['upload', 'sent.jsonl']);
    interrupt = () => run.child.kill('SIGINT');
    const result = await run.done;
    assert.equal(result.code, 130, result.stderr);
    assert.equal(
      result.stderr,
      'Error: Cancelled after the whole request was sent: Mistral may have completed it (an upload may be stored); check the file list before trying again. To check: mistral-files list --search "sent.jsonl"\n',
    );
  });

  it('--timeout ends a call to a server that never answers, and says how to wait longer; a bad value is a usage error', async () => {
    server.on('GET', /^\/v1\/files$/, silence);
    const run = await cli(['list', '--timeout', '1']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `Error: No complete answer from ${server.url} within 1 s; pass --timeout SECONDS to wait longer\n`);
    const bad = await cli(['list', '--timeout', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout needs a number of seconds greater than 0/);
  });
});
