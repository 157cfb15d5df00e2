/** Helpers for tests that talk to an in-process emulator over real HTTP on loopback. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './server';

export const TEST_API_KEY = 'test-key-not-a-secret';

export interface TestEmulator extends RunningEmulator {
  /** Closes the emulator and deletes its data directory. */
  dispose(): Promise<void>;
}

export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const dataDir = options.dataDir ?? await fs.mkdtemp(path.join(os.tmpdir(), 'emulator-test-'));
  const emulator = await startEmulator({ apiKey: TEST_API_KEY, ...options, dataDir });
  return {
    ...emulator,
    dispose: async () => {
      await emulator.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Parsed JSON body (undefined when the body is not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Bearer key to send; `null` sends none. Defaults to the valid test key. */
  apiKey?: string | null;
}

export async function call(baseUrl: string, pathAndQuery: string, options: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.apiKey === undefined ? TEST_API_KEY : options.apiKey;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const response = await request(`${baseUrl}${pathAndQuery}`, { method: options.method ?? 'GET', headers, body: options.body });
  const body = Buffer.from(await response.body.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, body, json };
}

export type MultipartPart =
  | { name: string; value: string }
  | { name: string; filename: string; content: Buffer; contentType?: string };

export function multipart(parts: MultipartPart[]): { body: Buffer; contentType: string } {
  const boundary = `----emulator-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('value' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    } else {
      const type = part.contentType ?? 'application/octet-stream';
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${type}\r\n\r\n`));
      chunks.push(part.content, Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface UploadRequest {
  filename: string;
  content: Buffer | string;
  purpose?: string;
  visibility?: string;
  expiry?: string;
  apiKey?: string | null;
}

export async function upload(baseUrl: string, file: UploadRequest): Promise<ApiResponse> {
  const parts: MultipartPart[] = [];
  if (file.purpose !== undefined) parts.push({ name: 'purpose', value: file.purpose });
  if (file.visibility !== undefined) parts.push({ name: 'visibility', value: file.visibility });
  if (file.expiry !== undefined) parts.push({ name: 'expiry', value: file.expiry });
  parts.push({ name: 'file', filename: file.filename, content: Buffer.from(file.content) });
  const form = multipart(parts);
  return call(baseUrl, '/v1/files', { method: 'POST', body: form.body, headers: { 'content-type': form.contentType }, apiKey: file.apiKey });
}

/** Every file under dataDir/tmp and dataDir/blobs: what a failed upload must not leave behind. */
export async function storedFiles(dataDir: string): Promise<{ tmp: string[]; blobs: string[] }> {
  const list = async (dir: string): Promise<string[]> => fs.readdir(path.join(dataDir, dir)).catch(() => []);
  return { tmp: await list('tmp'), blobs: await list('blobs') };
}

/** Polls until `condition` holds or the attempt budget runs out; for effects that follow a socket close. */
export async function eventually(condition: () => Promise<boolean>, attempts = 100, intervalMs = 20): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return condition();
}
