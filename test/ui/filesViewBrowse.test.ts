/**
 * Finding and arranging files in the workbench, after filesView.test.ts has set the key: a wrong key is reported in
 * the still-open key box, Go to File… by a typed name and by a pasted id selects the file in the tree, a PDF is not
 * opened as text, batch outputs read by role, and Sort Files… orders a group by name. Screenshots go to media/.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { uiContext } from './context';
import { remoteFilesNamed } from './service';
import { waitFor, waitForAttribute } from './workbench';

async function remoteFileId(filename: string): Promise<string> {
  const [file] = await remoteFilesNamed(filename);
  assert.ok(file, `${filename} is not on the emulator`);
  return file.id;
}

describe('Finding and sorting files in the workbench', () => {
  const filesPane = () => uiContext().workbench.viewPane('Files');

  it('keeps the key box open and says there that the service rejected a wrong key', async () => {
    const { workbench } = uiContext();
    await workbench.runCommand('Mistral: Set API Key');
    await workbench.answerInputBox('wrong-key-for-the-ui-test');
    const message = workbench.quickInput.locator('.quick-input-message');
    await message.filter({ hasText: /rejected this key/ }).waitFor({ state: 'visible' });
    assert.ok(await workbench.quickInput.isVisible(), 'the box closed');
    assert.equal(await workbench.quickInput.locator('.quick-input-box input').getAttribute('type'), 'password');
    await workbench.dismissQuickInput();
    // The stored key still works: the tree still lists files.
    await workbench.openViewContainer('Mistral');
    await workbench.treeRow(filesPane(), 'Fine-tune').waitFor({ state: 'visible' });
  });

  it('goes to a file by part of its name and selects it in the tree', async () => {
    const { workbench, screenshotDir } = uiContext();
    // The picture shows the picker over the tree, not the log an earlier test opened.
    await workbench.runCommand('View: Close All Editors');
    if (await workbench.page.locator('.part.panel').isVisible()) await workbench.runCommand('View: Hide Panel');
    await workbench.runCommand('Mistral: Go to File…');
    const input = workbench.quickInput.locator('.quick-input-box input');
    await input.fill('tickets-2026');
    const row = workbench.treeRow(workbench.quickInput.locator('.quick-input-list'), 'tickets-2026-10.jsonl');
    await row.waitFor({ state: 'visible' });
    // Only files whose names match are listed, also when the list asked for on opening answers after the typing.
    await waitFor(async () => {
      const rows = await workbench.quickInput.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      return rows.length > 0 && rows.every((row) => row.includes('tickets-2026')) ? true : undefined;
    }, 'only matching files in the list');
    await workbench.page.screenshot({ path: path.join(screenshotDir, 'screenshot-go-to-file.png') });
    await input.press('Enter');
    await waitForAttribute(workbench.treeRow(filesPane(), 'tickets-2026-10.jsonl'), 'aria-selected', 'true');
  });

  it('goes to a file by a pasted id', async () => {
    const { workbench } = uiContext();
    const id = await remoteFileId('invoice-INV-2026-0142.pdf');
    await workbench.runCommand('Mistral: Go to File…');
    const input = workbench.quickInput.locator('.quick-input-box input');
    await input.fill(id);
    // The list shown on opening has that file too: wait for the answer for the id, one row.
    await waitFor(async () => {
      const rows = await workbench.quickInput.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      return rows.length === 1 && rows[0].includes('invoice-INV-2026-0142.pdf') ? true : undefined;
    }, 'the file of the pasted id, alone in the list');
    await input.press('Enter');
    await waitForAttribute(workbench.treeRow(filesPane(), 'invoice-INV-2026-0142.pdf'), 'aria-selected', 'true');
  });

  it('offers OCR, the browser or a download for a PDF instead of showing its bytes', async () => {
    const { workbench } = uiContext();
    await workbench.clearNotifications();
    await workbench.treeRow(filesPane(), 'invoice-INV-2026-0142.pdf').click();
    const toast = workbench.page.locator('.notifications-toasts .notification-toast', { hasText: 'is a PDF' });
    await toast.waitFor({ state: 'visible' });
    for (const button of ['Run OCR', 'Open in Browser', 'Download…']) {
      assert.ok(await toast.locator('.monaco-button', { hasText: button }).first().isVisible(), `no ${button} button`);
    }
    assert.equal(await workbench.page.locator('.tabs-container .tab', { hasText: 'invoice-INV-2026-0142.pdf' }).count(), 0, 'the PDF opened in a tab');
    await workbench.clearNotifications();
  });

  it('labels the batch job’s result and error files by role', async () => {
    const { workbench } = uiContext();
    const pane = filesPane();
    await workbench.expandRow(workbench.treeRow(pane, 'Batch'));
    await workbench.treeRow(pane, 'Results of job 7c1e5a0f…').waitFor({ state: 'visible' });
    await workbench.treeRow(pane, 'Errors of job 7c1e5a0f…').waitFor({ state: 'visible' });
  });

  it('sorts every group by name from Sort Files…, and back by date', async () => {
    const { workbench } = uiContext();
    const pane = filesPane();
    await workbench.runCommand('Mistral: Sort Files…');
    await workbench.pickQuickItem('Name (A to Z)');
    const fineTune = workbench.treeRow(pane, 'Fine-tune');
    await fineTune.locator('.label-description', { hasText: 'by name' }).waitFor({ state: 'visible' });
    const labels = await workbench.treeLabels(pane);
    const files = labels.slice(labels.indexOf('Fine-tune') + 1, labels.indexOf('Batch')).filter((l) => l.endsWith('.jsonl'));
    assert.ok(files.length >= 2, `fine-tune files: ${files.join(', ')}`);
    assert.deepEqual(files, [...files].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })));
    await workbench.runCommand('Mistral: Sort Files…');
    await workbench.pickQuickItem('Date (newest first)');
    await fineTune.locator('.label-description', { hasText: 'by name' }).waitFor({ state: 'detached' });
  });

  it('filters in one picker with labelled sample types, closes the groups left empty, and clears', async () => {
    const { workbench } = uiContext();
    const pane = filesPane();
    const entries = await workbench.contextMenuEntries(workbench.treeRow(pane, 'Batch'));
    assert.ok(entries.some((entry) => entry.startsWith('Upload File to This Purpose')), `group menu: ${entries.join(', ')}`);

    await workbench.runCommand('Mistral: Filter Files…');
    const labels = await workbench.quickPickLabels();
    for (const label of ['Batch requests', 'Batch results', 'Instruction conversations', 'Written by Mistral']) assert.ok(labels.includes(label), `${label} in ${labels.join(', ')}`);
    assert.ok(!labels.some((label) => /_/.test(label)), `a raw id in the picker: ${labels.join(', ')}`);
    // Tick "Batch results" (a checkbox in the row) and apply with Enter.
    await workbench.treeRow(workbench.quickInput.locator('.quick-input-list'), 'Batch results').locator('input[type="checkbox"]').check();
    await workbench.quickInput.locator('.quick-input-box input').press('Enter');
    await workbench.treeRow(pane, 'Results of job 7c1e5a0f…').waitFor({ state: 'visible' });
    // Groups with no match cannot be opened, rather than each showing an empty row.
    await waitFor(async () => ((await workbench.treeRow(pane, 'Fine-tune').getAttribute('aria-expanded')) === null ? true : undefined), 'Fine-tune to be closed');
    assert.equal(await pane.locator('.monaco-list-row', { hasText: 'No files match the filter' }).count(), 0);
    await workbench.treeRow(pane, 'Errors of job 7c1e5a0f…').waitFor({ state: 'detached' });
    await workbench.runCommand('Mistral: Clear Filter');
    await workbench.treeRow(pane, 'Errors of job 7c1e5a0f…').waitFor({ state: 'visible' });
  });
});
