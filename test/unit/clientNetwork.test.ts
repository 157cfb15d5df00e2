/** Base URL rules, proxies (explicit, HTTPS_PROXY, NO_PROXY), TLS strictness, and the key never leaking. */
import * as assert from 'node:assert/strict';
import { MistralClient } from '../../src/api/client';
import {
  asApiError,
  allTextOf,
  INSTRUCT_LINE,
  RecordingLogger,
  rejectionOf,
  startHarness,
  TEST_KEY,
  writeFile,
  type Harness,
} from './clientSupport/fixture';
import { selfSignedCertificate, startPrefixProxy, startScriptedServer, startTunnelProxy, type RunningServer } from './clientSupport/proxies';

const REMOTE_HOST = 'files.example.test';


const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

/** Runs `body` with the proxy variables set as given (all others cleared), restoring them afterwards. */
async function withProxyEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of PROXY_VARIABLES) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const name of PROXY_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

describe('MistralClient: base URL', function () {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('keeps a path prefix (a proxy mounted at /mistral) and tolerates a trailing slash', async () => {
    const proxy = await startPrefixProxy('/mistral', h.emulator.url);
    try {
      for (const baseUrl of [`${proxy.url}/mistral`, `${proxy.url}/mistral/`]) {
        const client = h.client({ baseUrl });
        const file = await client.files.upload(writeFile(h.workDir, 'p.jsonl', INSTRUCT_LINE));
        assert.equal(Buffer.from(await client.files.readContent(file.id)).toString(), INSTRUCT_LINE);
        await client.files.delete(file.id);
      }
      assert.ok(proxy.seen.length >= 6);
      for (const line of proxy.seen) assert.match(line, /^(GET|POST|DELETE) \/mistral\/v1\/files/);
    } finally {
      await proxy.close();
    }
  });

  it('refuses plain http to a remote host, allows it for loopback', () => {
    for (const baseUrl of ['http://api.mistral.ai', 'http://10.0.0.5:8080/x', 'http://127.example.com']) {
      assert.throws(
        () => new MistralClient({ apiKey: TEST_KEY, baseUrl }),
        (err: unknown) => asApiError(err).kind === 'invalid-request' && /plain http/.test((err as Error).message),
      );
    }
    for (const baseUrl of ['http://localhost:1', 'http://127.0.0.5:9', 'http://[::1]:7', 'https://api.mistral.ai', 'https://host/mistral/']) {
      void new MistralClient({ apiKey: TEST_KEY, baseUrl }).dispose();
    }
    for (const baseUrl of ['ftp://x', 'not a url', 'https://user:pw@host']) {
      assert.throws(() => new MistralClient({ apiKey: TEST_KEY, baseUrl }), (err: unknown) => asApiError(err).kind === 'invalid-request');
    }
  });

  it('a refused connection names the host in plain words', async () => {
    const client = h.client({ baseUrl: 'http://127.0.0.1:1', retry: { maxRetries: 0 } });
    const err = asApiError(await rejectionOf(client.files.list()));
    assert.equal(err.kind, 'network');
    assert.equal(err.message, 'Cannot reach http://127.0.0.1:1: connection refused');
  });
});

describe('MistralClient: proxies and TLS', function () {
  let h: Harness;
  let proxy: RunningServer;
  const material = selfSignedCertificate(REMOTE_HOST);
  beforeEach(async function () {
    if (!material) this.skip(); // openssl is needed to mint the test certificate
    h = await startHarness();
    proxy = await startTunnelProxy(h.emulator.url, material!);
  });
  afterEach(async () => {
    await proxy?.close();
    await h?.close();
  });

  it('HTTPS_PROXY is honoured: the request tunnels through CONNECT', async () => {
    await withProxyEnv({ HTTPS_PROXY: proxy.url }, async () => {
      const client = h.client({ baseUrl: `https://${REMOTE_HOST}`, strictSSL: false });
      const file = await client.files.upload(writeFile(h.workDir, 'x.jsonl', INSTRUCT_LINE));
      assert.equal((await client.files.list()).data[0].id, file.id);
    });
    assert.ok(proxy.seen.includes(`CONNECT ${REMOTE_HOST}:443`), proxy.seen.join(', '));
  });

  it('NO_PROXY bypasses the proxy for the listed host', async () => {
    await withProxyEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: `localhost,${REMOTE_HOST}` }, async () => {
      const client = h.client({ baseUrl: `https://${REMOTE_HOST}`, strictSSL: false, retry: { maxRetries: 0 } });
      const err = asApiError(await rejectionOf(client.files.list()));
      // Direct: the reserved .test name does not resolve.
      assert.equal(err.kind, 'network');
      assert.match(err.message, new RegExp(`^Cannot reach https://${REMOTE_HOST.replace(/\./g, '\\.')}: `));
    });
    assert.deepEqual(proxy.seen, []);
  });

  it('an explicit proxy setting is used even without environment variables', async () => {
    await withProxyEnv({}, async () => {
      const client = h.client({ baseUrl: `https://${REMOTE_HOST}/`, proxy: proxy.url, strictSSL: false });
      assert.deepEqual((await client.files.list()).data, []);
    });
    assert.ok(proxy.seen.includes(`CONNECT ${REMOTE_HOST}:443`));
  });

  it('loopback is never proxied', async () => {
    await withProxyEnv({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }, async () => {
      assert.deepEqual((await h.client().files.list()).data, []);
    });
    assert.deepEqual(proxy.seen, []);
  });

  it('with strictSSL (the default) an untrusted certificate is refused with a clear reason', async () => {
    await withProxyEnv({ HTTPS_PROXY: proxy.url }, async () => {
      const err = asApiError(await rejectionOf(h.client({ baseUrl: `https://${REMOTE_HOST}`, retry: { maxRetries: 0 } }).files.list()));
      assert.equal(err.kind, 'network');
      assert.match(err.message, /^Cannot reach https:\/\/files\.example\.test: its TLS certificate/);
    });
  });
});

describe('MistralClient: the API key never leaks', function () {
  it('appears in no error text, cause or log line, even when the server echoes it', async () => {
    const h = await startHarness();
    const echo = await startScriptedServer((req, res) => {
      // A hostile or buggy gateway quoting the credentials back.
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Forbidden for ${req.headers.authorization}`, key: TEST_KEY }));
    });
    const logger = new RecordingLogger();
    const texts: string[] = [];
    try {
      const wrongKeyClient = h.client({ apiKey: `${TEST_KEY}x`, logger });
      const client = h.client({ logger, retry: { maxRetries: 1 } }, { sleep: async () => undefined });
      const failures: Array<() => Promise<unknown>> = [
        () => wrongKeyClient.files.list(),
        () => client.files.retrieve('00000000-0000-4000-8000-000000000000'),
        () => client.files.upload(writeFile(h.workDir, 'x.jsonl', INSTRUCT_LINE), { purpose: 'nope' }),
        () => h.client({ baseUrl: 'http://127.0.0.1:1', logger, retry: { maxRetries: 0 } }).files.list(),
        () => h.client({ baseUrl: echo.url, logger }).files.list(),
        () => h.client({ apiKey: `${TEST_KEY}\nInjected: yes`, logger }).files.list(),
      ];
      const file = await client.files.upload(writeFile(h.workDir, 'y.jsonl', INSTRUCT_LINE.repeat(10)));
      h.emulator.faults.add({ method: 'GET', path: '/content$', resetAfterBytes: 10, count: 2 });
      failures.push(() => client.files.readContent(file.id));
      for (const failure of failures) texts.push(allTextOf(await rejectionOf(failure())));
      const echoed = asApiError(await rejectionOf(h.client({ baseUrl: echo.url }).files.list()));
      assert.equal(echoed.apiMessage, 'Forbidden for Bearer ***');
    } finally {
      await echo.close();
      await h.close();
    }
    texts.push(logger.text());
    assert.ok(logger.lines.length >= 6, 'the log lines were produced');
    for (const text of texts) assert.ok(!text.includes(TEST_KEY), `the key leaked in: ${text.slice(0, 400)}`);
  });
});
