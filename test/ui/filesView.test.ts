/**
 * A person's first session with Mistral Files, in the real workbench: open the Mistral view, set the key,
 * browse the seeded files by purpose, upload a training file from the Explorer, open it in a preview tab.
 * The steps build on each other (the runner bails at the first failure). Screenshots go to media/.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { uiContext } from './context';
import { addFault, clearFaults, remoteFilesNamed } from './service';
import { waitFor, waitForAttribute } from './workbench';

async function screenshot(name: string): Promise<void> {
  const { workbench, screenshotDir } = uiContext();
  await workbench.clearNotifications();
  // Let hover effects and progress bars settle so the picture shows the resting state.
  await workbench.page.mouse.move(900, 700);
  await workbench.page.waitForTimeout(400);
  await workbench.page.screenshot({ path: path.join(screenshotDir, `screenshot-${name}.png`) });
}

const PURPOSE_GROUPS = ['Fine-tune', 'Batch', 'OCR', 'Audio'];

describe('Mistral Files in the workbench', () => {
  const filesPane = () => uiContext().workbench.viewPane('Files');

  it('offers Upload to Mistral on a .jsonl in the Explorer of a fresh window, with no key stored yet', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Explorer');
    // The workbench adds a development extension's menus a moment after it shows the Explorer: wait for our
    // Validate entry (no key needed) to know the menus are in, then look for Upload beside it.
    const entries = await waitFor(async () => {
      const shown = await workbench.contextMenuEntries(workbench.explorerRow('train.jsonl'));
      return shown.some((entry) => entry.startsWith('Validate JSONL File')) ? shown : undefined;
    }, "the extension's Explorer menu entries");
    assert.ok(entries.some((entry) => entry.startsWith('Upload to Mistral')), `Explorer menu: ${entries.join(', ')}`);
  });

  it('opens the Mistral view from the activity bar and asks for a key', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Mistral');
    // Wide enough for file names, sizes and dates side by side, as in the README pictures.
    await workbench.resizeSidebar(440);
    const welcome = filesPane().locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible' });
    assert.match(await welcome.innerText(), /Set your Mistral API key/);
    assert.ok(await welcome.locator('a.monaco-button, .monaco-button', { hasText: 'Set API Key' }).first().isVisible());
  });

  it('takes the API key through "Mistral: Set API Key" in a password input', async () => {
    const { workbench, session } = uiContext();
    await workbench.runCommand('Mistral: Set API Key');
    const inputType = await workbench.answerInputBox(session.apiKey);
    assert.equal(inputType, 'password', 'the key must be typed into a masked input');
    await workbench.quickInput.waitFor({ state: 'hidden' });
  });

  it('shows the purpose groups once the key is set', async () => {
    const { workbench } = uiContext();
    const pane = filesPane();
    for (const group of PURPOSE_GROUPS) await workbench.treeRow(pane, group).waitFor({ state: 'visible' });
    const labels = await workbench.treeLabels(pane);
    assert.deepEqual(
      labels.filter((label) => PURPOSE_GROUPS.includes(label)),
      PURPOSE_GROUPS,
    );
  });

  it('lists the seeded files under their purpose', async () => {
    const { workbench } = uiContext();
    const pane = filesPane();
    await workbench.expandRow(workbench.treeRow(pane, 'Fine-tune'));
    await workbench.treeRow(pane, 'support-chat-train.jsonl').waitFor({ state: 'visible' });
    await workbench.treeRow(pane, 'product-docs-corpus.jsonl').waitFor({ state: 'visible' });
    await workbench.expandRow(workbench.treeRow(pane, 'Batch'));
    await workbench.treeRow(pane, 'tickets-2026-10.jsonl').waitFor({ state: 'visible' });
    await workbench.expandRow(workbench.treeRow(pane, 'OCR'));
    await workbench.treeRow(pane, 'invoice-INV-2026-0142.pdf').waitFor({ state: 'visible' });
    await workbench.expandRow(workbench.treeRow(pane, 'Audio'));
    await workbench.treeRow(pane, 'standup-snippet.wav').waitFor({ state: 'visible' });
    const labels = await workbench.treeLabels(pane);
    // Each file sits after its own group and before the next one.
    const index = (label: string) => labels.indexOf(label);
    assert.ok(index('Fine-tune') < index('support-chat-train.jsonl') && index('support-chat-train.jsonl') < index('Batch'));
    assert.ok(index('Batch') < index('tickets-2026-10.jsonl') && index('tickets-2026-10.jsonl') < index('OCR'));
    assert.ok(index('OCR') < index('invoice-INV-2026-0142.pdf') && index('invoice-INV-2026-0142.pdf') < index('Audio'));
    assert.ok(index('Audio') < index('standup-snippet.wav'));
    await screenshot('files-view');
  });

  it('shows Retry and Show Log when the service fails, and recovers with Retry', async () => {
    const { workbench } = uiContext();
    const pane = filesPane();
    await addFault({ method: 'GET', path: '^/v1/files$', status: 503, count: 1000 });
    try {
      await workbench.runCommand('Mistral: Refresh');
      const welcome = pane.locator('.welcome-view-content');
      await welcome.waitFor({ state: 'visible' });
      assert.match(await welcome.innerText(), /server error/);
      for (const button of ['Retry', 'Show Log']) {
        assert.ok(await welcome.locator('.monaco-button', { hasText: button }).first().isVisible(), `no ${button} button`);
      }
    } finally {
      await clearFaults();
    }
    await pane.locator('.welcome-view-content .monaco-button', { hasText: 'Retry' }).first().click();
    await workbench.treeRow(pane, 'Fine-tune').waitFor({ state: 'visible' });
  });

  it('uploads a .jsonl from the Explorer context menu with the chosen purpose', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Explorer');
    await workbench.contextMenu(workbench.explorerRow('train.jsonl'), 'Upload to Mistral');
    await workbench.quickInput.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
    const offered = await workbench.quickPickLabels();
    for (const group of PURPOSE_GROUPS) assert.ok(offered.includes(group), `purpose "${group}" not offered: ${offered.join(', ')}`);
    await screenshot('upload');
    await workbench.pickQuickItem('Fine-tune');
    const uploaded = await waitFor(async () => {
      return (await remoteFilesNamed('train.jsonl', 'fine-tune'))[0];
    }, 'train.jsonl to reach the service');
    assert.equal(uploaded.purpose, 'fine-tune');
    await waitFor(
      async () => ((await workbench.notifications()).some((text) => /Uploaded "train\.jsonl" .* as fine-tune/.test(text)) ? true : undefined),
      'the upload summary notification',
    );
  });

  it('shows the uploaded file in the tree and opens it in a preview tab by clicking', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Mistral');
    const pane = filesPane();
    const row = workbench.treeRow(pane, 'train.jsonl');
    await row.waitFor({ state: 'visible' });
    // The upload revealed and selected the new file.
    await waitForAttribute(row, 'aria-selected', 'true');
    await row.click();
    await workbench.activeTab.filter({ hasText: 'train.jsonl' }).waitFor({ state: 'visible' });
    // A single click opens a preview tab (italic title), as in the Explorer.
    assert.equal(await workbench.activeTab.locator('.monaco-icon-label.italic').count(), 1, 'the tab is not a preview tab');
    await waitFor(async () => ((await workbench.activeEditorLines()).some((line) => line.includes('capital of France')) ? true : undefined), 'the file content');
    await screenshot('preview');
  });

  it('validates a broken .jsonl from the Explorer and lists its problems', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Explorer');
    // Not opened first: live validation of an open editor would fill Problems whether the command works or not.
    await workbench.contextMenu(workbench.explorerRow('broken.jsonl'), 'Validate JSONL File');
    // The summary names the file, its counts and the messages per role, as README promises.
    const summary = await waitFor(
      async () => (await workbench.notifications()).find((text) => text.includes('broken.jsonl') && /\d+ errors?/.test(text)),
      'the validation summary notification',
    );
    assert.match(summary, /messages: \d+ user/);
    const problems = await workbench.openProblems();
    await waitFor(async () => ((await problems.locator('.monaco-list-row').count()) >= 3 ? true : undefined), 'problems of broken.jsonl');
    const rows = await problems.locator('.monaco-list-row').allInnerTexts();
    assert.ok(rows.some((row) => row.includes('broken.jsonl')), `no broken.jsonl entry: ${rows.join(' | ')}`);
    // Line 2 is not JSON and line 3 has no assistant turn: both are reported at their lines.
    assert.ok(rows.some((row) => /Ln 2\b/.test(row)), `nothing reported on line 2: ${rows.join(' | ')}`);
    assert.ok(rows.some((row) => /Ln 3\b/.test(row)), `nothing reported on line 3: ${rows.join(' | ')}`);
    await workbench.explorerRow('broken.jsonl').click();
    await workbench.activeTab.filter({ hasText: 'broken.jsonl' }).waitFor({ state: 'visible' });
    await screenshot('validation');
  });

  it('blocks the upload of a broken .jsonl and opens the Problems panel on "Show Problems"', async () => {
    const { workbench } = uiContext();
    const panel = workbench.page.locator('.part.panel');
    // The test before opened Problems: hidden here, so only the button can bring it back.
    if (await panel.isVisible()) {
      await workbench.page.keyboard.press('Control+J');
      await panel.waitFor({ state: 'hidden' });
    }
    await workbench.clearNotifications();
    await workbench.openViewContainer('Explorer');
    await workbench.contextMenu(workbench.explorerRow('broken.jsonl'), 'Upload to Mistral');
    await workbench.pickQuickItem('Fine-tune');
    const toast = workbench.page.locator('.notifications-toasts .notification-toast', { hasText: 'was not uploaded' });
    await toast.waitFor({ state: 'visible' });
    await toast.locator('.monaco-button', { hasText: 'Show Problems' }).click();
    const problems = workbench.page.locator('.part.panel .markers-panel');
    await problems.waitFor({ state: 'visible' });
    await waitFor(async () => ((await problems.locator('.monaco-list-row', { hasText: 'broken.jsonl' }).count()) > 0 ? true : undefined), 'broken.jsonl in Problems');
    assert.equal((await remoteFilesNamed('broken.jsonl')).length, 0, 'nothing was sent');
  });

  it('blocks the upload of a broken .jsonl, then sends it on "Upload Anyway"', async () => {
    const { workbench } = uiContext();
    await workbench.clearNotifications();
    await workbench.openViewContainer('Explorer');
    await workbench.contextMenu(workbench.explorerRow('broken.jsonl'), 'Upload to Mistral');
    await workbench.quickInput.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
    await workbench.pickQuickItem('Fine-tune');
    const toast = workbench.page.locator('.notifications-toasts .notification-toast', { hasText: 'was not uploaded' });
    await toast.waitFor({ state: 'visible' });
    assert.match(await toast.innerText(), /validation found \d+ error/);
    assert.equal((await remoteFilesNamed('broken.jsonl')).length, 0, 'nothing was sent');
    await toast.locator('.monaco-button', { hasText: 'Upload Anyway' }).click();
    const sent = await waitFor(async () => {
      return (await remoteFilesNamed('broken.jsonl'))[0];
    }, 'broken.jsonl to reach the service after Upload Anyway');
    assert.equal(sent.purpose, 'fine-tune', 'the purpose chosen before is kept');
  });
});
