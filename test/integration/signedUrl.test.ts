/** `mistral.copySignedUrl`: expiry picker or option, clipboard, a URL that really serves the file, no signature in the log. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionHandles } from './fileCommandsSupport';
import {
  acceptQuickPicksUntilDone,
  activateWithKey,
  addFault,
  api,
  clearFaults,
  eventually,
  requestsDuring,
  requestsTo,
  seedRemoteFile,
  setSetting,
  uniqueTag,
  fileNode,
  withoutAsking,
  type LoggedRequest,
} from './fileCommandsSupport';

const HOUR_MS = 3_600_000;

/** The requests for a signed URL of this file. */
function urlRequests(requests: readonly LoggedRequest[], fileId: string): LoggedRequest[] {
  return requestsTo(requests, 'GET', new RegExp(`^/v1/files/${fileId}/url$`));
}

async function copyUrl(...args: unknown[]): Promise<string | undefined> {
  return vscode.commands.executeCommand<string | undefined>('mistral.copySignedUrl', ...args);
}

/** Hours from now until the URL's `se` (its expiry), as the emulator's Azure-style URLs carry it. */
function hoursLeft(url: string): number {
  const se = new URL(url).searchParams.get('se');
  assert.ok(se, `no se= in ${new URL(url).pathname}`);
  return (Date.parse(se) - Date.now()) / HOUR_MS;
}


describe('Copy Signed URL command', function () {
  this.timeout(60_000);
  let deps: ExtensionHandles;

  before(async () => {
    deps = (await activateWithKey()) as ExtensionHandles;
  });
  afterEach(async () => {
    await clearFaults();
    await setSetting('signedUrl.defaultExpiryHours', undefined);
  });

  it('copies a URL with a custom expiry that downloads the exact content', async () => {
    const content = `signed ${uniqueTag()}\n`;
    const file = await seedRemoteFile(`signed-${uniqueTag()}.jsonl`, content);
    await vscode.env.clipboard.writeText('before');
    const { result: url, requests } = await requestsDuring(() => withoutAsking(copyUrl(fileNode(file), [fileNode(file)], { expiryHours: 5 })));
    assert.ok(url);
    assert.deepEqual(urlRequests(requests, file.id).map((r) => [r.query, r.status]), [['expiry=5', 200]], 'one call for the URL');
    assert.equal(await vscode.env.clipboard.readText(), url);
    const left = hoursLeft(url);
    assert.ok(left > 4.9 && left <= 5.01, `expires in ${left} h, expected 5`);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), content);
  });

  it('offers the configured default pre-selected in the expiry QuickPick', async () => {
    const file = await seedRemoteFile(`picked-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`);
    const defaultUrl = await acceptQuickPicksUntilDone(copyUrl(file));
    assert.ok(defaultUrl);
    assert.ok(Math.abs(hoursLeft(defaultUrl) - 24) < 0.05, 'the built-in default is 24 hours');

    await setSetting('signedUrl.defaultExpiryHours', 72);
    const configuredUrl = await acceptQuickPicksUntilDone(copyUrl(file.id));
    assert.ok(configuredUrl);
    assert.ok(Math.abs(hoursLeft(configuredUrl) - 72) < 0.05, 'the configured default is 72 hours');
    assert.equal(await vscode.env.clipboard.readText(), configuredUrl);
  });

  it('uses the file selected in the tree when run without a file (palette)', async () => {
    const content = `selected ${uniqueTag()}\n`;
    const file = await seedRemoteFile(`selected-${uniqueTag()}.jsonl`, content);
    await vscode.commands.executeCommand('mistral.files.focus');
    await deps.tree.reveal(file);
    await eventually('the file selected in the tree', () => deps.tree.selectedFiles().some((f) => f.id === file.id));
    const url = await copyUrl({ expiryHours: 3 });
    assert.ok(url);
    assert.ok(new URL(url).pathname.includes(file.id), 'the URL is for the selected file');
    assert.equal(await (await fetch(url)).text(), content);
  });

  it('refuses an expiry outside 1–168 whole hours without calling the service', async () => {
    const file = await seedRemoteFile(`bad-expiry-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`);
    await vscode.env.clipboard.writeText('untouched');
    for (const expiryHours of [0, 169, 1.5, -1]) {
      // Refused, not handed to the expiry picker instead: that would ask, and the test would fail saying so.
      const { result, requests } = await requestsDuring(() => withoutAsking(copyUrl(file, { expiryHours })));
      assert.deepEqual(urlRequests(requests, file.id), [], `expiryHours ${expiryHours} reached the service`);
      assert.equal(result, undefined, `expiryHours ${expiryHours}`);
    }
    assert.equal(await vscode.env.clipboard.readText(), 'untouched');
  });

  it('counts its expiry picker as asking (what the "without asking" checks rely on)', async () => {
    const file = await seedRemoteFile(`asks-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`);
    await assert.rejects(withoutAsking(copyUrl(file), 1), /the command asked \(it did not settle within 1 s\)/);
    // withoutAsking closed the picker it gave up on; one left open would swallow the next command's picker or Enter.
    const { requests } = await requestsDuring(() => withoutAsking(copyUrl(file, { expiryHours: 1 })));
    assert.equal(urlRequests(requests, file.id).length, 1, 'the next command runs normally');
  });

  it('logs that a URL was made, but never the URL or its signature', async () => {
    const file = await seedRemoteFile(`logged-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`);
    const url = await copyUrl(file, { expiryHours: 1 });
    assert.ok(url);
    const signature = new URL(url).searchParams.get('sig');
    assert.ok(signature);
    const logDir = deps.context.logUri.fsPath;
    const logText = await eventually('the log line about the URL', () => {
      const text = fs.existsSync(logDir)
        ? fs.readdirSync(logDir).filter((name) => name.endsWith('.log')).map((name) => fs.readFileSync(path.join(logDir, name), 'utf8')).join('\n')
        : '';
      return text.includes(`Signed URL for ${file.id} copied`) ? text : undefined;
    });
    assert.ok(!logText.includes(signature), 'the signature reached the log');
    assert.ok(!logText.includes(encodeURIComponent(signature)), 'the encoded signature reached the log');
    assert.ok(!logText.includes(url));
  });

  it('retries a 429, and reports a file deleted meanwhile (404) without touching the clipboard', async () => {
    const file = await seedRemoteFile(`rate-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`);
    await addFault({ method: 'GET', path: `/v1/files/${file.id}/url$`, status: 429, retryAfterSeconds: 1, count: 1 });
    const url = await copyUrl(file, { expiryHours: 2 });
    assert.ok(url);

    assert.equal((await api(`/v1/files/${file.id}`, { method: 'DELETE' })).status, 200);
    await vscode.env.clipboard.writeText('untouched');
    assert.equal(await copyUrl(file, { expiryHours: 2 }), undefined);
    assert.equal(await vscode.env.clipboard.readText(), 'untouched');
  });
});
