import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { MistralClient } from '../../src/api/client';
import { MistralApiError } from '../../src/api/core/errors';
import type { ClientConfig } from '../../src/api/core/config';
import type { FileList } from '../../src/api/files/types';
import type { DisposableMistralApi } from '../../src/api/client';
import { ReconfigurableClient } from '../../src/extension/shared/reconfigurableClient';
import type { ConnectionSettings } from '../../src/extension/shared/settings';

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

interface FakeClient {
  config: ClientConfig;
  disposed: boolean;
  release: (() => void) | undefined;
}

function harness() {
  const built: FakeClient[] = [];
  let connection: ConnectionSettings = { baseUrl: 'https://api.mistral.ai', proxy: undefined, strictSSL: true, timeoutMs: 120_000 };
  const construct = (config: ClientConfig): DisposableMistralApi => {
    if (config.baseUrl === 'not a url') throw new MistralApiError({ kind: 'invalid-request', message: 'The base URL is not a valid URL' });
    const fake: FakeClient = { config, disposed: false, release: undefined };
    built.push(fake);
    return {
      files: {
        list: () =>
          new Promise<FileList>((resolve) => {
            fake.release = () => resolve({ object: 'list', data: [], total: 0 });
          }),
        openContent: () => Promise.resolve({ body: Readable.from(['content']), size: 7 }),
      },
      dispose: () => {
        fake.disposed = true;
        return Promise.resolve();
      },
    } as unknown as DisposableMistralApi;
  };
  const api = new ReconfigurableClient(construct, () => connection, () => 'key', quietLogger);
  return { api, built, setConnection: (next: ConnectionSettings) => (connection = next) };
}

describe('ReconfigurableClient (deps.client)', () => {
  it('builds one client from the base URL and proxy settings, and a new one only when they change', () => {
    const { api, built, setConnection } = harness();
    assert.equal(built.length, 1);
    assert.equal(built[0].config.baseUrl, 'https://api.mistral.ai');
    assert.equal(api.reconfigure(), false);
    setConnection({ baseUrl: 'https://api.mistral.ai', proxy: 'http://proxy:3128', strictSSL: false, timeoutMs: 120_000 });
    assert.equal(api.reconfigure(), true);
    assert.equal(built.length, 2);
    assert.deepEqual([built[1].config.proxy, built[1].config.strictSSL], ['http://proxy:3128', false]);
    assert.equal(built[0].disposed, true, 'the idle old client is closed at once');
  });

  it('lets a call that started on the old client finish before closing it', async () => {
    const { api, built, setConnection } = harness();
    const running = api.files.list();
    setConnection({ baseUrl: 'https://api.eu.mistral.ai', proxy: undefined, strictSSL: true, timeoutMs: 120_000 });
    api.reconfigure();
    assert.equal(built[0].disposed, false, 'still in use');
    const next = api.files.list();
    assert.ok(built[1].release, 'new calls go to the new client');
    built[0].release!();
    await running;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(built[0].disposed, true);
    built[1].release!();
    await next;
    assert.equal(built[1].disposed, false);
  });

  it('turns an unusable base URL into calls that reject with the reason, instead of failing activation', async () => {
    const { api, setConnection } = harness();
    setConnection({ baseUrl: 'not a url', proxy: undefined, strictSSL: true, timeoutMs: 120_000 });
    api.reconfigure();
    await assert.rejects(api.files.list(), (err: unknown) => err instanceof MistralApiError && err.kind === 'invalid-request');
  });

  it('logs why a base URL is refused without repeating the user:password it holds', () => {
    const lines: string[] = [];
    const record = (line: string): void => void lines.push(line);
    const logger = { trace: record, debug: record, info: record, warn: record, error: record };
    const connection: ConnectionSettings = { baseUrl: 'https://me:hunter2@files.example.test', proxy: undefined, strictSSL: true, timeoutMs: 120_000 };
    const api = new ReconfigurableClient((config) => new MistralClient(config), () => connection, () => 'key', logger);
    void api.dispose();
    assert.equal(lines.length, 1);
    assert.match(lines[0], /must not contain a user name or password/);
    assert.ok(!lines[0].includes('hunter2'), lines[0]);
  });

  it('builds a separate client with an explicit key for checking a key before it is stored', () => {
    const { api, built } = harness();
    const checker = api.withKey('candidate');
    assert.equal(built.length, 2);
    assert.equal(built[1].config.apiKey, 'candidate');
    assert.equal(typeof built[0].config.apiKey, 'function', 'the shared client reads the stored key on every request');
    void checker.dispose();
  });

  it('keeps the old client while a content stream opened on it is still being read', async () => {
    const { api, built, setConnection } = harness();
    const opened = await api.files.openContent('file-1');
    setConnection({ baseUrl: 'https://api.eu.mistral.ai', proxy: undefined, strictSSL: true, timeoutMs: 120_000 });
    api.reconfigure();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(built[0].disposed, false, 'the stream still reads through it');
    for await (const chunk of opened.body) void chunk;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(built[0].disposed, true, 'closed once the stream has closed');
  });

  it('passes the request timeout setting to the client and rebuilds it when the timeout changes', () => {
    const { api, built, setConnection } = harness();
    assert.equal(built[0].config.timeoutMs, 120_000);
    setConnection({ baseUrl: 'https://api.mistral.ai', proxy: undefined, strictSSL: true, timeoutMs: 30_000 });
    assert.equal(api.reconfigure(), true);
    assert.equal(built[1].config.timeoutMs, 30_000);
  });

  it('never logs the user:password of a new base URL', () => {
    const lines: string[] = [];
    const record = (line: string): void => void lines.push(line);
    let connection = { baseUrl: 'https://api.mistral.ai', proxy: undefined as string | undefined, strictSSL: true, timeoutMs: 120_000 };
    const api = new ReconfigurableClient(() => ({ files: {}, dispose: () => Promise.resolve() }) as unknown as DisposableMistralApi, () => connection, () => 'key', { trace: record, debug: record, info: record, warn: record, error: record });
    connection = { ...connection, baseUrl: 'https://me:hunter2@gateway.example.test/mistral' };
    api.reconfigure();
    assert.ok(lines.some((line) => line.includes('gateway.example.test')), lines.join('\n'));
    assert.ok(!lines.some((line) => line.includes('hunter2')), lines.join('\n'));
  });
});
