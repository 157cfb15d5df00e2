/**
 * Upload Folder from the Explorer as a person does it: the folder's menu, the file types (with .gitignore applied),
 * one purpose picker whose Expiry row is switched by keyboard, one summary, the Explorer kept in the side bar, the
 * expiry shown on the new rows, then the duplicate warning when the same folder goes up again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { uiContext } from './context';
import { remoteFilesNamed } from './service';
import { waitFor } from './workbench';

const FOLDER = 'dataset-2026';

function writeDataset(): void {
  const dir = path.join(uiContext().session.sandbox.workspaceDir, FOLDER);
  fs.mkdirSync(dir, { recursive: true });
  const batch = { custom_id: 'q-1', body: { max_tokens: 16, messages: [{ role: 'user', content: 'Name a colour.' }] } };
  const chat = { messages: [{ role: 'user', content: 'Hello?' }, { role: 'assistant', content: 'Hello!' }] };
  fs.writeFileSync(path.join(dir, 'folder-requests.jsonl'), `${JSON.stringify(batch)}\n`);
  fs.writeFileSync(path.join(dir, 'folder-chat.jsonl'), `${JSON.stringify(chat)}\n`);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not for Mistral\n');
  fs.writeFileSync(path.join(dir, 'folder-secret.jsonl'), `${JSON.stringify(chat)}\n`);
  fs.writeFileSync(path.join(dir, '.gitignore'), 'folder-secret.jsonl\n');
}

describe('Upload Folder from the Explorer', () => {
  before(async () => {
    // Set here too, so this file also runs on its own (--grep).
    const { workbench, session } = uiContext();
    await workbench.runCommand('Mistral: Set API Key');
    await workbench.answerInputBox(session.apiKey);
    await workbench.quickInput.waitFor({ state: 'hidden' });
    writeDataset();
  });

  it('uploads the folder\'s files by type, each with its purpose and the expiry chosen, and says so once', async () => {
    const { workbench } = uiContext();
    const { page } = workbench;
    await workbench.clearNotifications();
    await workbench.contextMenu(await workbench.newExplorerRow(FOLDER), 'Upload Folder to Mistral…');

    // File types: .jsonl picked, .txt offered unpicked (no purpose takes it); the ignored file is not counted.
    const rows = await waitFor(async () => {
      const texts = await workbench.quickInput.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      return texts.length >= 2 ? texts : undefined;
    }, 'the file types');
    const jsonl = rows.find((row) => row.includes('.jsonl'));
    assert.ok(jsonl?.includes('2 files'), `the .jsonl row: ${jsonl}`);
    assert.ok(rows.some((row) => row.includes('.txt') && row.includes('No purpose takes this type')), rows.join(' | '));
    await workbench.quickInput.locator('.quick-input-box input').press('Enter');

    // One purpose picker for both files; the Expiry row switches in place, by keyboard.
    await workbench.quickInput.locator('.quick-input-list .monaco-list-row', { hasText: 'Suggested per file' }).waitFor({ state: 'visible' });
    // From the first row, Up wraps to the last expiry ("30 days"); once more is "7 days"; Enter switches to it.
    const input = workbench.quickInput.locator('.quick-input-box input');
    await input.press('ArrowUp');
    await input.press('ArrowUp');
    await workbench.quickInput.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Delete after 7 days' }).waitFor({ state: 'visible' });
    await input.press('Enter');
    await workbench.quickInput.locator('.quick-input-title', { hasText: 'delete after 7 days' }).waitFor({ state: 'visible' });
    await workbench.pickQuickItem('Suggested per file');

    const summary = await waitFor(
      async () => (await workbench.notifications()).find((text) => text.startsWith('Uploaded') && text.includes('folder-chat.jsonl')),
      'the one summary of the folder upload',
    );
    assert.match(summary, /folder-requests\.jsonl/);
    assert.doesNotMatch(summary, /folder-secret/);
    assert.equal((await remoteFilesNamed('folder-requests.jsonl'))[0]?.purpose, 'batch');
    assert.equal((await remoteFilesNamed('folder-chat.jsonl'))[0]?.purpose, 'fine-tune');
    assert.deepEqual(await remoteFilesNamed('folder-secret.jsonl'), [], 'a .gitignored file was uploaded');
    assert.deepEqual(await remoteFilesNamed('notes.txt'), []);
    // The upload did not take the side bar away from the Explorer.
    assert.ok(await page.locator('.part.sidebar .composite.title h2', { hasText: /^Explorer/i }).isVisible(), 'the side bar left the Explorer');

    await workbench.openViewContainer('Mistral');
    const pane = workbench.viewPane('Files');
    await workbench.expandRow(workbench.treeRow(pane, 'Batch'));
    const row = workbench.treeRow(pane, 'folder-requests.jsonl');
    await row.waitFor({ state: 'visible' });
    assert.match(await row.locator('.label-description').innerText(), /expires in 7 days/);
  });

  it('warns before sending the same folder again, and sends nothing on Skip', async () => {
    const { workbench } = uiContext();
    await workbench.clearNotifications();
    await workbench.contextMenu(await workbench.newExplorerRow(FOLDER), 'Upload Folder to Mistral…');
    await workbench.quickInput.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
    await workbench.quickInput.locator('.quick-input-box input').press('Enter');
    await workbench.pickQuickItem('Suggested per file');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /2 files are already on Mistral with the same name and size/);
    await dialog.locator('.monaco-button', { hasText: /^Skip$/ }).click();
    await waitFor(async () => ((await workbench.notifications()).some((text) => /Skipped, already on Mistral/.test(text)) ? true : undefined), 'the summary of what was skipped');
    assert.equal((await remoteFilesNamed('folder-chat.jsonl')).length, 1, 'a duplicate was sent');
  });
});
