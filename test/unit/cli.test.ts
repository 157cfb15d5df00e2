/** `node dist/cli.js` against the emulator: output, --json, exit codes, errors on stderr, Ctrl-C, flat memory. */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INSTRUCT_LINE, startHarness, TEST_KEY, writeFile, type Harness } from './clientSupport/fixture';
import { selfSignedCertificate, startPrefixProxy, startTunnelProxy } from './clientSupport/proxies';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MB = 1024 * 1024;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], options: { env?: Record<string, string | undefined>; cwd: string; nodeArgs?: string[]; onSpawn?: (pid: number) => void }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
  });
}

describe('CLI (dist/cli.js)', function () {
  this.timeout(120_000);
  let h: Harness;
  let env: Record<string, string>;

  before(() => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  });
  beforeEach(async () => {
    h = await startHarness();
    env = { MISTRAL_API_KEY: TEST_KEY, MISTRAL_BASE_URL: h.emulator.url };
  });
  afterEach(async () => {
    await h.close();
  });

  const cli = (args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Run> =>
    runCli(args, { env: { ...env, ...extraEnv }, cwd: h.workDir });

  it('upload, list, get, url, download and delete with readable output and exit 0', async () => {
    writeFile(h.workDir, 'train.jsonl', INSTRUCT_LINE.repeat(2));
    const empty = await cli(['list']);
    assert.equal(empty.code, 0);
    assert.equal(empty.stdout, 'No files.\n');

    const up = await cli(['upload', 'train.jsonl', '--purpose', 'fine-tune']);
    assert.equal(up.code, 0, up.stderr);
    const id = /as ([0-9a-f-]{36})\n$/.exec(up.stdout)?.[1];
    assert.ok(id, up.stdout);
    assert.match(up.stdout, /^Uploaded train\.jsonl \(\d+ B\) as /);
    assert.equal(up.stderr, '', 'no progress line when stderr is not a TTY');

    const list = await cli(['list']);
    assert.equal(list.code, 0);
    const [header, row] = list.stdout.split('\n');
    assert.match(header, /^ID\s+NAME\s+PURPOSE\s+TYPE\s+SIZE\s+CREATED$/);
    assert.match(row, new RegExp(`^${id}\\s+train\\.jsonl\\s+fine-tune\\s+instruct\\s+${INSTRUCT_LINE.length * 2} B\\s+just now$`));
    assert.match(list.stdout, /\n1 of 1 files\n$/);

    const get = await cli(['get', id]);
    assert.equal(get.code, 0);
    assert.match(get.stdout, /^id +[0-9a-f-]{36}\nfilename +train\.jsonl\n/);
    assert.match(get.stdout, /\nlines +2\n/);

    const url = await cli(['url', id, '--expiry', '2']);
    assert.equal(url.code, 0);
    assert.match(url.stdout, /^http:\/\/127\.0\.0\.1:\d+\/\S+\n$/);

    fs.rmSync(path.join(h.workDir, 'train.jsonl'));
    const down = await cli(['download', id]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(fs.readFileSync(path.join(h.workDir, 'train.jsonl'), 'utf8'), INSTRUCT_LINE.repeat(2));
    // The default name exists now: refused without --force.
    const again = await cli(['download', id]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists; pass --force/);
    const out = await cli(['download', id, '--out', 'copy.jsonl']);
    assert.equal(out.code, 0);
    assert.match(out.stdout, /^Saved \d+ B to .*copy\.jsonl\n$/);

    const del = await cli(['delete', id]);
    assert.equal(del.code, 0);
    assert.equal(del.stdout, `Deleted ${id}\n`);
    const gone = await cli(['get', id]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^Error: File not found \(request id [0-9a-f-]+\)\n$/);
  });

  it('--json prints machine-readable results, and errors as JSON on stderr', async () => {
    writeFile(h.workDir, 'b.jsonl', '{"custom_id":"1","body":{}}\n');
    const up = await cli(['upload', 'b.jsonl', '--purpose', 'batch', '--json']);
    assert.equal(up.code, 0, up.stderr);
    const file = JSON.parse(up.stdout) as { id: string; purpose: string; sample_type: string };
    assert.equal(file.purpose, 'batch');
    assert.equal(file.sample_type, 'batch_request');
    const list = JSON.parse((await cli(['--json', 'list', '--purpose', 'batch'])).stdout) as { data: Array<{ id: string }>; total: number };
    assert.deepEqual(list.data.map((f) => f.id), [file.id]);
    assert.equal(list.total, 1);
    const url = JSON.parse((await cli(['url', file.id, '--json'])).stdout) as { url: string; expiry_hours: number };
    assert.equal(url.expiry_hours, 24);
    const missing = await cli(['get', '00000000-0000-4000-8000-000000000000', '--json']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    const error = JSON.parse(missing.stderr) as { error: { message: string; status: number; kind: string } };
    assert.deepEqual([error.error.message, error.error.status, error.error.kind], ['File not found', 404, 'http']);
  });

  it('exit codes and messages for bad keys, bad usage and refused base URLs; the key is never printed', async () => {
    const wrong = await cli(['list'], { MISTRAL_API_KEY: `${TEST_KEY}-revoked` });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^Error: Invalid API key \(401\)/);
    assert.ok(!wrong.stderr.includes(TEST_KEY) && !wrong.stdout.includes(TEST_KEY));

    const noKey = await cli(['list'], { MISTRAL_API_KEY: undefined });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /Set MISTRAL_API_KEY/);

    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "frobnicate"/);

    const badOption = await cli(['list', '--colour']);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /Unknown option '--colour'/);

    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: mistral-files <command>/);

    const http = await cli(['--base-url', 'http://files.example.test', 'list']);
    assert.equal(http.code, 2);
    assert.match(http.stderr, /Refusing to send the API key over plain http/);

    const expiry = await cli(['url', '00000000-0000-4000-8000-000000000000', '--expiry', '200']);
    assert.equal(expiry.code, 2);
    assert.match(expiry.stderr, /1 to 168 hours/);

    const missingFile = await cli(['upload', 'nope.jsonl']);
    assert.equal(missingFile.code, 2);
    assert.match(missingFile.stderr, /^Error: Cannot read .*nope\.jsonl: no such file\n$/);

    const refused = await cli(['list', '--base-url', 'http://127.0.0.1:1']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: Cannot reach http:\/\/127\.0\.0\.1:1: connection refused\n$/);
  });

  it('dispatches validate to the validator', async () => {
    writeFile(h.workDir, 'ok.jsonl', INSTRUCT_LINE);
    writeFile(h.workDir, 'bad.jsonl', '{"messages":[{"role":"user","content":"Hi"}]}\n');
    assert.equal((await cli(['validate', 'ok.jsonl'])).code, 0);
    assert.equal((await cli(['validate', 'bad.jsonl'])).code, 1);
  });

  it('works through an HTTPS proxy (CONNECT tunnel) from the bundle, as it loads only part of undici', async function () {
    const remoteHost = 'files.example.test';
    const material = selfSignedCertificate(remoteHost);
    if (!material) this.skip(); // openssl is needed to mint the test certificate
    const proxy = await startTunnelProxy(h.emulator.url, material!);
    try {
      writeFile(h.workDir, 'train.jsonl', INSTRUCT_LINE);
      const proxied = { MISTRAL_BASE_URL: `https://${remoteHost}`, HTTPS_PROXY: proxy.url };
      const up = await cli(['upload', 'train.jsonl', '--insecure', '--json'], proxied);
      assert.equal(up.code, 0, up.stderr);
      const id = (JSON.parse(up.stdout) as { id: string }).id;
      const down = await cli(['download', id, '--out', 'copy.jsonl', '--insecure'], proxied);
      assert.equal(down.code, 0, down.stderr);
      assert.equal(fs.readFileSync(path.join(h.workDir, 'copy.jsonl'), 'utf8'), INSTRUCT_LINE);
      assert.ok(proxy.seen.includes(`CONNECT ${remoteHost}:443`), proxy.seen.join(', '));
    } finally {
      await proxy.close();
    }
  });

  it('Ctrl-C cancels a download cleanly: exit 130, "Cancelled", nothing left behind', async () => {
    const local = writeFile(h.workDir, 'payload.bin', Buffer.alloc(MB, 3));
    const id = (await h.client().files.upload(local, { purpose: 'ocr' })).id;
    fs.rmSync(local);
    h.emulator.faults.add({ method: 'GET', path: '/content$', delayMs: 10_000 });
    // Through a recording proxy, so Ctrl-C is sent exactly while the download request is in flight.
    const proxy = await startPrefixProxy('/p', h.emulator.url);
    try {
      const run = await runCli(['download', id, '--out', 'payload.bin'], {
        env: { ...env, MISTRAL_BASE_URL: `${proxy.url}/p` },
        cwd: h.workDir,
        onSpawn: (pid) => {
          const timer = setInterval(() => {
            if (proxy.seen.some((line) => line.endsWith('/content'))) {
              clearInterval(timer);
              process.kill(pid, 'SIGINT');
            }
          }, 20);
        },
      });
      assert.equal(run.code, 130, run.stderr);
      assert.equal(run.stderr, 'Error: Cancelled\n');
      assert.deepEqual(fs.readdirSync(h.workDir), []);
    } finally {
      await proxy.close();
    }
  });

  it('memory does not grow with file size (upload and download of 40 MB vs 300 MB)', async function () {
    this.timeout(300_000);
    const preload = path.join(h.workDir, '..', 'report-rss.js');
    fs.writeFileSync(preload, "process.on('exit', () => process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\\n`));\n");
    const peakKb = (run: Run): number => {
      assert.equal(run.code, 0, run.stderr);
      return Number(/maxRSS=(\d+)/.exec(run.stderr)?.[1]);
    };
    const measure = async (megabytes: number): Promise<{ up: number; down: number }> => {
      const name = `f${megabytes}.bin`;
      fs.writeFileSync(path.join(h.workDir, name), '');
      fs.truncateSync(path.join(h.workDir, name), megabytes * MB);
      const up = await runCli(['upload', name, '--purpose', 'batch', '--json'], { env, cwd: h.workDir, nodeArgs: ['-r', preload] });
      const id = (JSON.parse(up.stdout) as { id: string }).id;
      const down = await runCli(['download', id, '--out', `${name}.copy`], { env, cwd: h.workDir, nodeArgs: ['-r', preload] });
      assert.equal(fs.statSync(path.join(h.workDir, `${name}.copy`)).size, megabytes * MB);
      fs.rmSync(path.join(h.workDir, name));
      fs.rmSync(path.join(h.workDir, `${name}.copy`));
      return { up: peakKb(up) / 1024, down: peakKb(down) / 1024 };
    };
    const small = await measure(40);
    const large = await measure(300);
    // 260 MB more data may cost a little GC slack, never the file itself.
    assert.ok(large.up - small.up < 30, `upload peak RSS ${small.up.toFixed(0)} MB -> ${large.up.toFixed(0)} MB`);
    assert.ok(large.down - small.down < 30, `download peak RSS ${small.down.toFixed(0)} MB -> ${large.down.toFixed(0)} MB`);
  });
});
