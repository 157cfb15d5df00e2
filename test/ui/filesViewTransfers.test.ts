/**
 * The other ways in and out of Mistral, done on screen: the editor title's Upload button (and its question about
 * unsaved changes), the file picker of "Mistral: Upload Files…", Cancel on an upload's progress notification, the
 * question before a large preview, and a failed "Load more…" with its retry row. Runs after filesView.test.ts, which
 * stored the key.
 */
import * as assert from 'node:assert/strict';
import { uiContext } from './context';
import { addFault, clearFaults, remoteContent, remoteFilesNamed, writeWorkspaceFile, writeWorkspaceSettings } from './service';
import { waitFor } from './workbench';

function batchLine(customId: string, content: string): string {
  return JSON.stringify({ custom_id: customId, body: { max_tokens: 16, messages: [{ role: 'user', content }] } });
}

async function uploadedFile(name: string): Promise<{ id: string; purpose: string }> {
  return waitFor(async () => (await remoteFilesNamed(name))[0], `${name} to reach the service`);
}

describe('Uploads, cancels and large files in the workbench', () => {
  const filesPane = () => uiContext().workbench.viewPane('Files');

  it('uploads the open editor from its title button, saving its unsaved changes first when asked', async () => {
    const { workbench } = uiContext();
    const { page } = workbench;
    const name = 'title-button.jsonl';
    writeWorkspaceFile(name, `${batchLine('greeting', 'hello')}\n`);
    await (await workbench.newExplorerRow(name)).dblclick();
    await workbench.activeTab.filter({ hasText: name }).waitFor({ state: 'visible' });

    // Type " world" after "hello": the line ends with `"}]}}`, so five steps left of its end is inside the string.
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    for (let step = 0; step < 5; step++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.type(' world');
    await page.locator('.editor-group-container.active .tab.active.dirty').waitFor({ state: 'visible' });

    await page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Upload to Mistral"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /title-button\.jsonl has unsaved changes/);
    await dialog.locator('.monaco-button', { hasText: 'Save and Upload' }).click();
    await workbench.pickQuickItem('Batch');

    const file = await uploadedFile(name);
    assert.equal(file.purpose, 'batch');
    assert.match(await remoteContent(file.id), /"content":"hello world"/, 'the saved text was uploaded');
    await page.locator('.editor-group-container.active .tab.active.dirty').waitFor({ state: 'detached' });
  });

  it('uploads a file chosen in the picker of "Mistral: Upload Files…"', async () => {
    const { workbench, session } = uiContext();
    const name = 'picked-in-dialog.jsonl';
    const file = writeWorkspaceFile(name, `${batchLine('picked', 'from the picker')}\n`);
    // With a .jsonl editor active, the command uploads that editor; with none, it asks for files.
    await workbench.runCommand('View: Close All Editors');
    await workbench.runCommand('Mistral: Upload Files…');
    // The browser's VS Code asks with its own file dialog: a path box over the folder's listing.
    const input = workbench.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await waitFor(async () => ((await input.inputValue()).startsWith(session.sandbox.workspaceDir) ? true : undefined), 'the dialog to open in the workspace folder');
    await input.fill(file);
    await workbench.treeRow(workbench.quickInput.locator('.quick-input-list'), name).waitFor({ state: 'visible' });
    await input.press('Enter');
    await workbench.pickQuickItem('Batch');
    assert.equal((await uploadedFile(name)).purpose, 'batch');
  });

  it('stops an upload from Cancel on its progress notification and leaves nothing on the service', async () => {
    const { workbench } = uiContext();
    const { page } = workbench;
    const name = 'interrupted-upload.jsonl';
    // Big enough that the body cannot all sit in socket buffers while the service holds the request.
    const lines = Array.from({ length: 48_000 }, (_, k) => batchLine(`request-${k}`, `${k} ${'x'.repeat(1000)}`));
    writeWorkspaceFile(name, `${lines.join('\n')}\n`);
    await workbench.clearNotifications();
    await addFault({ method: 'POST', path: '^/v1/files$', delayMs: 60_000 });
    try {
      await workbench.contextMenu(await workbench.newExplorerRow(name), 'Upload to Mistral');
      await workbench.pickQuickItem('Batch');
      const progress = page.locator('.notifications-toasts .notification-toast', { hasText: /Uploading/ });
      await progress.waitFor({ state: 'visible' });
      await progress.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
      const summary = await waitFor(
        async () => (await workbench.notifications()).find((text) => /Upload cancelled/.test(text)),
        'the message that the upload was cancelled',
      );
      assert.match(summary, /nothing partial was left on the server/);
    } finally {
      await clearFaults();
    }
    assert.deepEqual(await remoteFilesNamed(name), [], 'a cancelled upload left a file on the service');
    await workbench.clearNotifications();
  });

  describe('with a 100-byte preview limit, then pages of two files', () => {
    before(() => writeWorkspaceSettings({ 'mistral.preview.maxSizeMB': 0.0001 }));
    after(async () => {
      writeWorkspaceSettings({});
      await clearFaults();
    });

    it('asks before opening a preview above the size limit, and opens nothing on Cancel', async () => {
      const { workbench } = uiContext();
      const { page } = workbench;
      await workbench.runCommand('View: Close All Editors');
      await workbench.openViewContainer('Mistral');
      const pane = filesPane();
      await workbench.expandRow(workbench.treeRow(pane, 'Fine-tune'));
      const row = workbench.treeRow(pane, 'product-docs-corpus.jsonl');
      await row.waitFor({ state: 'visible' });
      const dialog = page.locator('.monaco-dialog-box');
      // The workbench reads the settings file a moment after it changes: until then a click opens the preview.
      await waitFor(async () => {
        await row.click();
        try {
          await dialog.waitFor({ state: 'visible', timeout: 2000 });
          return true;
        } catch {
          await workbench.runCommand('View: Close All Editors');
          return undefined;
        }
      }, 'the size question');
      const text = await dialog.innerText();
      assert.match(text, /"product-docs-corpus\.jsonl" is .*B\. Open it in a preview tab\?/);
      assert.match(text, /mistral\.preview\.maxSizeMB/);
      for (const button of ['Open Anyway', 'Download…']) assert.ok(await dialog.locator('.monaco-button', { hasText: button }).isVisible(), `no ${button}`);
      await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.waitForTimeout(500);
      assert.equal(await page.locator('.tabs-container .tab', { hasText: 'product-docs-corpus.jsonl' }).count(), 0, 'a preview opened after Cancel');

      await row.click();
      await dialog.waitFor({ state: 'visible' });
      await dialog.locator('.monaco-button', { hasText: 'Open Anyway' }).click();
      await workbench.activeTab.filter({ hasText: 'product-docs-corpus.jsonl' }).waitFor({ state: 'visible' });
    });

    it('shows a failed "Load more…" as an error row in the group, and loads the page when that row is clicked', async () => {
      const { workbench } = uiContext();
      const pane = filesPane();
      writeWorkspaceSettings({ 'mistral.pageSize': 2 });
      const fineTune = workbench.treeRow(pane, 'Fine-tune');
      const loadMore = workbench.treeRow(pane, 'Load more…');
      const fineTuneRows = async () => {
        const labels = await workbench.treeLabels(pane);
        return labels.slice(labels.indexOf('Fine-tune') + 1, labels.indexOf('Batch'));
      };
      const fineTuneFiles = async () => (await fineTuneRows()).filter((label) => label.endsWith('.jsonl'));
      // Refresh until the Fine-tune group reads the page size of two from the settings file (other groups may be
      // paged already while it is not).
      await waitFor(async () => {
        await workbench.runCommand('Mistral: Refresh');
        await fineTune.waitFor({ state: 'visible' });
        await workbench.expandRow(fineTune);
        for (let tries = 0; tries < 8; tries++) {
          if ((await fineTuneRows()).includes('Load more…') && (await fineTuneFiles()).length === 2) return true;
          await workbench.page.waitForTimeout(250);
        }
        return undefined;
      }, 'pages of two Fine-tune files');
      assert.equal((await fineTuneFiles()).length, 2);

      await addFault({ method: 'GET', path: '^/v1/files$', status: 503, count: 1000 });
      await loadMore.first().click();
      const errorRow = pane.locator('.monaco-list-row', { hasText: /Could not load more: .*click to retry/ });
      await errorRow.waitFor({ state: 'visible', timeout: 60_000 });
      assert.ok(!(await fineTuneRows()).includes('Load more…'), 'Load more is offered beside the error');
      await clearFaults();

      // The row retries the page that failed: the files already shown stay, the next ones join them.
      await errorRow.click();
      await errorRow.waitFor({ state: 'detached' });
      await waitFor(async () => ((await fineTuneFiles()).length > 2 ? true : undefined), 'the next page of Fine-tune files');
    });
  });
});
