/**
 * The smaller actions README promises, done the way a person does them: Copy Signed URL… with its presets and a
 * custom expiry, Show Log, and the Clear API Key dialog (cancelled, so the key stays). Runs after filesView.test.ts,
 * which stored the key and uploaded train.jsonl.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { uiContext } from './context';
import { waitFor, waitForAttribute } from './workbench';

async function statusBarText(): Promise<string> {
  return uiContext().workbench.page.locator('.statusbar').innerText();
}

describe('Files view actions', () => {
  it('copies a signed URL from a file\'s menu: presets from 1 hour to 7 days, Custom…, and the expiry said in the status bar', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Mistral');
    const pane = workbench.viewPane('Files');
    const row = workbench.treeRow(pane, 'train.jsonl');
    await row.waitFor({ state: 'visible' });
    await workbench.contextMenu(row, 'Copy Signed URL');
    const labels = await workbench.quickPickLabels();
    for (const preset of ['1 hour', '24 hours', '7 days (168 hours)', 'Custom…']) assert.ok(labels.includes(preset), `${preset} in ${labels.join(', ')}`);
    await workbench.pickQuickItem('Custom…');
    await workbench.answerInputBox('5');
    await waitFor(
      async () => (/Signed URL for "train\.jsonl" copied\. It expires .* \(5 h\)/.test(await statusBarText()) ? true : undefined),
      'the status bar to say when the URL expires',
    );
  });

  it('downloads a file into the workspace and reveals it in the Explorer view (no OS file manager in a browser)', async () => {
    const { workbench, session } = uiContext();
    await workbench.clearNotifications();
    await workbench.openViewContainer('Mistral');
    const pane = workbench.viewPane('Files');
    await workbench.expandRow(workbench.treeRow(pane, 'Batch'));
    const row = workbench.treeRow(pane, 'tickets-2026-10.jsonl');
    await row.waitFor({ state: 'visible' });
    await workbench.contextMenu(row, 'Download');
    // The save dialog proposes the file's name in the workspace folder.
    const input = workbench.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await waitFor(async () => ((await input.inputValue()).endsWith('/tickets-2026-10.jsonl') ? true : undefined), 'the proposed name', 10_000);
    await input.press('Enter');
    const toast = workbench.page.locator('.notifications-toasts .notification-toast', { hasText: 'Downloaded "tickets-2026-10.jsonl"' });
    await toast.waitFor({ state: 'visible' });
    const buttons = await toast.locator('.monaco-button').allInnerTexts();
    assert.ok(buttons.includes('Reveal in Explorer View'), buttons.join(', '));
    assert.ok(!buttons.some((b) => /File Explorer|Finder|Containing Folder/.test(b)), `an OS file manager is offered in a browser: ${buttons.join(', ')}`);
    assert.ok(fs.statSync(path.join(session.sandbox.workspaceDir, 'tickets-2026-10.jsonl')).size > 0);
    await toast.locator('.monaco-button', { hasText: 'Reveal in Explorer View' }).click();
    await waitForAttribute(workbench.explorerRow('tickets-2026-10.jsonl'), 'aria-selected', 'true');
  });

  it('opens the extension\'s log from "Mistral: Show Log"', async () => {
    const { workbench } = uiContext();
    await workbench.runCommand('Mistral: Show Log');
    const panel = workbench.page.locator('.part.panel');
    await panel.waitFor({ state: 'visible' });
    // Our channel is the one shown: its lines are the extension's requests (the batch view's polls keep the newest
    // ones in view).
    await waitFor(
      // The output editor renders spaces as non-breaking spaces.
      async () => (/\[info\] (GET|POST|DELETE) \/v1\//.test((await panel.innerText()).replace(/\u00a0/g, ' ')) ? true : undefined),
      'the Mistral Files log with the extension\'s requests in it',
    );
  });

  it('asks before clearing the API key, and keeps it when cancelled', async () => {
    const { workbench } = uiContext();
    await workbench.runCommand('Mistral: Clear API Key');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /Remove the Mistral API key from this machine\?/);
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The Files view still lists files: the key is still there.
    await workbench.openViewContainer('Mistral');
    await workbench.treeRow(workbench.viewPane('Files'), 'Fine-tune').waitFor({ state: 'visible' });
    assert.equal(await workbench.viewPane('Files').locator('.welcome-view-content').isVisible(), false);
  });
});
