/**
 * Settings: read fresh on each access, the base URL (with a path prefix, as behind a gateway) and VS Code's own
 * `http.proxy` reach the client without a reload.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { ExtensionHandles } from './fileCommandsSupport';

import { env, activateWithKey, withSetting } from './fileCommandsSupport';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('Settings', function () {
  this.timeout(90_000);
  let deps: ExtensionHandles;

  before(async () => {
    deps = await activateWithKey();
  });

  after(async () => {
    await vscode.commands.executeCommand('mistral.refresh');
  });

  it('reads every setting fresh, clamping values outside their range', async () => {
    const restores = [
      await withSetting('mistral', 'pageSize', 0),
      await withSetting('mistral', 'preview.maxSizeMB', 7.5),
      await withSetting('mistral', 'validation.beforeUpload', 'warn'),
      await withSetting('mistral', 'signedUrl.defaultExpiryHours', 500),
      await withSetting('mistral', 'upload.defaultVisibility', 'user'),
      await withSetting('mistral', 'validation.live', false),
    ];
    try {
      assert.equal(deps.settings.pageSize, 1);
      assert.equal(deps.settings.previewMaxSizeMB, 7.5);
      assert.equal(deps.settings.validationBeforeUpload, 'warn');
      assert.equal(deps.settings.defaultSignedUrlExpiryHours, 168);
      assert.equal(deps.settings.defaultVisibility, 'user');
      assert.equal(deps.settings.liveValidation, false);
    } finally {
      for (const restore of restores.reverse()) await restore();
    }
    assert.equal(deps.settings.pageSize, 100);
    assert.equal(deps.settings.defaultVisibility, 'workspace');
  });

  it('keeps a path prefix of the base URL (a gateway in front of the API)', async () => {
    const emulator = new URL(env('MISTRAL_TEST_BASE_URL'));
    const seenPaths: string[] = [];
    // A gateway serving the API under /mistral: strips the prefix and forwards to the emulator.
    const gateway = http.createServer((req, res) => {
      seenPaths.push(req.url ?? '');
      if (!req.url?.startsWith('/mistral/')) {
        res.writeHead(404).end();
        return;
      }
      const upstream = http.request(
        { host: emulator.hostname, port: emulator.port, method: req.method, path: req.url.slice('/mistral'.length), headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    const gatewayUrl = await listen(gateway);
    const restore = await withSetting('mistral', 'baseUrl', `${gatewayUrl}/mistral`);
    try {
      await vscode.commands.executeCommand('mistral.refresh');
      assert.equal(deps.tree.problem, undefined, deps.tree.problemMessage);
      assert.equal((await deps.tree.getChildren()).length >= 4, true);
      // Every service keeps the prefix: the Files view's lists, and the Batch Jobs view's when it is shown.
      assert.ok(seenPaths.filter((p) => p.startsWith('/mistral/v1/files')).length >= 5, seenPaths.join('\n'));
      assert.ok(seenPaths.every((p) => p.startsWith('/mistral/v1/')), seenPaths.join('\n'));
      assert.equal(deps.tree.treeView.description, `${new URL(gatewayUrl).host}/mistral`, 'the view says which endpoint it shows');
    } finally {
      await restore();
      await close(gateway);
    }
  });

  it('sends requests through VS Code\'s http.proxy', async () => {
    const connects: string[] = [];
    const proxy = http.createServer((_req, res) => res.writeHead(502).end());
    // An HTTPS endpoint is reached through a CONNECT tunnel; refusing it is enough to see the client used the proxy.
    proxy.on('connect', (req: http.IncomingMessage, socket: import('node:stream').Duplex) => {
      connects.push(req.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    const proxyUrl = await listen(proxy);
    const restoreProxy = await withSetting('http', 'proxy', proxyUrl);
    const restoreBase = await withSetting('mistral', 'baseUrl', 'https://api.mistral.invalid');
    try {
      await vscode.commands.executeCommand('mistral.refresh');
      assert.equal(deps.tree.problem, 'unreachable');
      assert.ok(connects.includes('api.mistral.invalid:443'), `CONNECTs seen: ${connects.join(', ')}; tree says: ${deps.tree.problemMessage}`);
    } finally {
      await restoreBase();
      await restoreProxy();
      await close(proxy);
    }
    await vscode.commands.executeCommand('mistral.refresh');
    assert.equal(deps.tree.problem, undefined);
  });
});
