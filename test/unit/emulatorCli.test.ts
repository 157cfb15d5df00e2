/** The emulator CLI (out/test/emulator/main.js): ready line, key from the environment, clean shutdown. */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { call } from '../emulator/testSupport';

const MAIN = path.resolve(__dirname, '..', 'emulator', 'main.js');

interface Run { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> }

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

function readyUrl(runResult: Run): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(runResult.stdout());
      if (match && runResult.stdout().endsWith('\n')) resolve(match[0]);
    };
    runResult.child.stdout?.on('data', check);
    void runResult.exit.then((code) => reject(new Error(`emulator exited with ${code}: ${runResult.stderr()}`)));
  });
}

describe('emulator CLI', () => {
  let dataDir: string;
  beforeEach(async () => { dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulator-cli-')); });
  afterEach(async () => { await fs.rm(dataDir, { recursive: true, force: true }); });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`prints one ready line, serves the seeded store with MISTRAL_API_KEY, and exits 0 on ${signal}`, async () => {
      const key = 'cli-key-from-env';
      const emulator = run(['--port', '0', '--data', dataDir, '--seed', 'demo'], { MISTRAL_API_KEY: key });
      try {
        const url = await readyUrl(emulator);
        assert.equal(emulator.stdout().trim().split('\n').length, 1);
        assert.ok(!emulator.stdout().includes(key), 'the key is never printed');
        const listed = await call(url, '/v1/files', { apiKey: key });
        assert.equal(listed.status, 200);
        assert.ok(listed.json.total >= 8);
      } finally {
        emulator.child.kill(signal);
      }
      assert.equal(await emulator.exit, 0);
      assert.equal(emulator.stderr(), '');
    });
  }

  it('refuses to start without a key and says how to give one', async () => {
    const emulator = run(['--port', '0', '--data', dataDir]);
    assert.equal(await emulator.exit, 2);
    assert.match(emulator.stderr(), /--api-key KEY or the MISTRAL_API_KEY environment variable/);
  });

  it('rejects an unknown option with the usage', async () => {
    const emulator = run(['--prot', '8787', '--api-key', 'k']);
    assert.equal(await emulator.exit, 2);
    assert.match(emulator.stderr(), /Unknown option --prot[\s\S]*Usage:/);
  });
});
