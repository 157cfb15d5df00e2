/** Shared set-up for the client tests: an emulator on loopback, a client with recorded waits and log lines. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { MistralClient } from '../../../src/api/client';
import type { ClientInternals } from '../../../src/api/core/connection';
import { MistralApiError } from '../../../src/api/core/errors';
import type { ApiLogger, ClientConfig } from '../../../src/api/core/config';
import { runCli } from '../../../src/cli/main';
import { startEmulator, type RunningEmulator } from '../../emulator/server';

/** Long and distinctive, so a test can search any text for it. */
export const TEST_KEY = 'sk-test-7f3a9c1e5b2d4f6a8c0e';

export class RecordingLogger implements ApiLogger {
  readonly lines: Array<{ level: string; message: string }> = [];
  trace(message: string): void {
    this.lines.push({ level: 'trace', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  text(): string {
    return this.lines.map((line) => `${line.level} ${line.message}`).join('\n');
  }
}

/** A sleep that records the requested delay and returns at once: Retry-After is checked without waiting. */
export class RecordedSleep {
  readonly delays: number[] = [];
  readonly sleep = async (ms: number, signal: AbortSignal | undefined): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    this.delays.push(ms);
  };
}

export interface Harness {
  emulator: RunningEmulator;
  dataDir: string;
  workDir: string;
  client(config?: Partial<ClientConfig>, internals?: ClientInternals): MistralClient;
  close(): Promise<void>;
}

export async function startHarness(options: { maxUploadBytes?: number } = {}): Promise<Harness> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-client-test-'));
  const dataDir = path.join(root, 'data');
  const workDir = path.join(root, 'work');
  fs.mkdirSync(workDir);
  const emulator = await startEmulator({ dataDir, apiKey: TEST_KEY, port: 0, maxUploadBytes: options.maxUploadBytes });
  const clients: MistralClient[] = [];
  return {
    emulator,
    dataDir,
    workDir,
    client(config = {}, internals = {}) {
      const client = new MistralClient({ apiKey: TEST_KEY, baseUrl: emulator.url, ...config }, internals);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.dispose()));
      await emulator.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const filePath = path.join(dir, name);
  fs.writeFileSync(filePath, content);
  return filePath;
}

export const INSTRUCT_LINE = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}\n';

/** Awaits a rejection and returns it, failing when the promise resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Every text a failure exposes: message, describe(), stack, and the whole cause chain, serialised. */
export function allTextOf(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '', String((current as { describe?: () => string }).describe?.() ?? ''));
      parts.push(JSON.stringify(current, Object.getOwnPropertyNames(current)));
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join('\n');
}

/** Files the emulator still holds in its temp area (partial uploads). */
export function pendingUploads(dataDir: string): string[] {
  const tmp = path.join(dataDir, 'tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
}

/** Narrows a rejection to the client's one error type, failing the test with what it was otherwise. */
export function asApiError(err: unknown): MistralApiError {
  assert.ok(err instanceof MistralApiError, `expected MistralApiError, got ${String(err)}`);
  return err;
}

/** Collects what the CLI writes to a stream. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process against the harness's emulator with the test key, from its work folder; every text it
 * printed is added to `outputs` so a suite can check the key never appears.
 */
export async function runCliIn(h: Harness, args: string[], outputs: string[], signal: AbortSignal = new AbortController().signal): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, {
    stdout,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { MISTRAL_API_KEY: TEST_KEY, MISTRAL_BASE_URL: h.emulator.url },
    cwd: h.workDir,
    signal,
  });
  outputs.push(stdout.text, stderr.text);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
