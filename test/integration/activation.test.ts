/**
 * Smoke test of the host itself: the extension under development is loaded from this repository,
 * activates, contributes its commands, and the runner's environment contract reaches the tests.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'mistral-files.mistral-files';

describe('Extension host smoke', () => {
  it('loads the extension under development from this repository', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in the extension host`);
    const repoRoot = path.resolve(__dirname, '..', '..', '..');
    assert.equal(fs.realpathSync(extension.extensionPath), fs.realpathSync(repoRoot));
  });

  it('activates and registers every command it contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
    const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('opens the throwaway workspace and gives the tests the emulator contract', async () => {
    const workspace = process.env.MISTRAL_TEST_WORKSPACE;
    assert.ok(workspace, 'MISTRAL_TEST_WORKSPACE is not set');
    assert.equal(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, workspace);
    assert.ok(fs.existsSync(path.join(workspace, 'train.jsonl')));
    const baseUrl = process.env.MISTRAL_TEST_BASE_URL;
    assert.ok(baseUrl && /^http:\/\/127\.0\.0\.1:\d+$/.test(baseUrl), `unexpected MISTRAL_TEST_BASE_URL ${baseUrl}`);
    assert.equal(vscode.workspace.getConfiguration('mistral').get('baseUrl'), baseUrl);
    assert.ok(process.env.MISTRAL_TEST_EMULATOR_DATA && fs.existsSync(process.env.MISTRAL_TEST_EMULATOR_DATA));
    // The emulator answers the key the runner gave; a wrong key is refused, so the key is really checked.
    const key = process.env.MISTRAL_TEST_API_KEY;
    assert.ok(key);
    const good = await fetch(`${baseUrl}/v1/files`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(good.status, 200);
    const bad = await fetch(`${baseUrl}/v1/files`, { headers: { authorization: 'Bearer not-the-key' } });
    assert.equal(bad.status, 401);
  });

  it('applies the quiet user settings of the test profile', () => {
    assert.equal(vscode.workspace.getConfiguration('workbench').get('colorTheme'), 'Default Dark Modern');
    assert.equal(vscode.workspace.getConfiguration('telemetry').get('telemetryLevel'), 'off');
  });
});
