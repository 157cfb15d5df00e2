/**
 * The API key: checked before it is stored, stored only in SecretStorage, cleared with confirmation, and followed
 * by the tree even when it changes elsewhere (another window changes the same SecretStorage entry).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionHandles } from './fileCommandsSupport';
import { API_KEY_SECRET } from '../../src/extension/shared/apiKeyStore';

import { env, eventually, activateWithKey, requestsDuring, requestsTo, type LoggedRequest } from './fileCommandsSupport';

/** Checks of a candidate key: it lists files with that key, which the emulator refuses unless it is the test key. */
function keyChecksRefused(requests: readonly LoggedRequest[]): LoggedRequest[] {
  return requestsTo(requests, 'GET', /^\/v1\/files$/).filter((request) => request.status === 401);
}

describe('API key', function () {
  this.timeout(60_000);
  let deps: ExtensionHandles;
  const goodKey = env('MISTRAL_TEST_API_KEY');
  const wrongKey = `wrong-${Date.now().toString(36)}-key`;

  before(async () => {
    deps = await activateWithKey();
  });

  after(async () => {
    if ((await deps.keyStore.get()) !== goodKey) await vscode.commands.executeCommand('mistral.setApiKey', goodKey);
  });

  it('refuses a key the service rejects and keeps the stored one', async () => {
    const { result: stored, requests } = await requestsDuring(() => vscode.commands.executeCommand('mistral.setApiKey', wrongKey));
    assert.equal(stored, false);
    assert.equal(keyChecksRefused(requests).length, 1, 'the key was checked with the service once');
    assert.equal(await deps.keyStore.get(), goodKey);
    assert.equal(await deps.context.secrets.get(API_KEY_SECRET), goodKey);
  });

  it('refuses a malformed key without asking the service', async () => {
    const { result, requests } = await requestsDuring(() => vscode.commands.executeCommand('mistral.setApiKey', 'two words'));
    assert.equal(result, false);
    assert.deepEqual(keyChecksRefused(requests), [], 'the malformed key was sent to the service');
    assert.equal(await deps.keyStore.get(), goodKey);
  });

  it('clears the key, and the tree shows the "Set API Key" state', async () => {
    assert.equal(await vscode.commands.executeCommand('mistral.clearApiKey', { confirm: false }), true);
    assert.equal(await deps.context.secrets.get(API_KEY_SECRET), undefined);
    await deps.tree.whenLoaded();
    assert.equal(deps.tree.problem, 'noKey');
    assert.deepEqual(await deps.tree.getChildren(), []);
  });

  it('stores a key the service accepts, and the tree loads', async () => {
    assert.equal(await vscode.commands.executeCommand('mistral.setApiKey', goodKey), true);
    assert.equal(await deps.context.secrets.get(API_KEY_SECRET), goodKey);
    await eventually('the tree to load with the key', async () => {
      await deps.tree.whenLoaded();
      return deps.tree.problem === undefined && (await deps.tree.getChildren()).length === 4;
    });
  });

  it('follows a key removed and restored elsewhere (the SecretStorage change event)', async () => {
    await deps.context.secrets.delete(API_KEY_SECRET);
    await eventually('the tree to notice the key is gone', () => deps.tree.problem === 'noKey');
    await deps.context.secrets.store(API_KEY_SECRET, goodKey);
    await eventually('the tree to load again', () => deps.tree.problem === undefined && deps.tree.model.rootState.kind === 'ready');
  });

  it('never writes the key to settings, extension state or the log', async () => {
    const everywhere: string[] = [];
    const config = vscode.workspace.getConfiguration('mistral');
    for (const name of ['baseUrl', 'pageSize', 'validation.beforeUpload', 'validation.live', 'preview.maxSizeMB', 'signedUrl.defaultExpiryHours', 'upload.defaultVisibility']) {
      everywhere.push(JSON.stringify(config.inspect(name) ?? {}));
    }
    for (const state of [deps.context.globalState, deps.context.workspaceState]) {
      for (const key of state.keys()) everywhere.push(key, JSON.stringify(state.get(key)));
    }
    const logFile = path.join(deps.context.logUri.fsPath, 'Mistral Files.log');
    const log = await eventually('the log file to be written', () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : undefined));
    assert.match(log, /GET \/v1\/files\S* 200/, 'the log has request lines');
    everywhere.push(log);
    for (const text of everywhere) {
      assert.ok(!text.includes(goodKey), 'the stored key leaked');
      assert.ok(!text.includes(wrongKey), 'the rejected key leaked');
    }
  });
});
