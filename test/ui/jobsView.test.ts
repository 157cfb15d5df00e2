/**
 * The Batch Jobs view in the real workbench: the demo's jobs in every status, then a batch file from the Explorer
 * becomes a job that is watched to its end, with the end announced and the row updated in place.
 * Runs after filesView.test.ts (files run in name order), which stores the key.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { uiContext } from './context';
import { waitFor } from './workbench';


describe('Batch Jobs view', () => {
  const jobsPane = () => uiContext().workbench.viewPane('Batch Jobs');

  it('lists the jobs newest first with their status, endpoint and progress', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Mistral');
    const pane = jobsPane();
    const header = pane.locator('.pane-header');
    await header.waitFor({ state: 'visible' });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    // The demo holds a queued FIM job (newest) and a cancelled OCR job among others.
    await workbench.treeRow(pane, 'codestral-latest').waitFor({ state: 'visible' });
    await workbench.treeRow(pane, 'mistral-ocr-latest').waitFor({ state: 'visible' });
    const labels = await workbench.treeLabels(pane);
    assert.ok(labels.indexOf('codestral-latest') < labels.indexOf('mistral-ocr-latest'), `newest first: ${labels.join(', ')}`);
    const ocrRow = await workbench.treeRow(pane, 'mistral-ocr-latest').innerText();
    assert.match(ocrRow, /\/v1\/ocr/);
  });

  it('creates a job from a batch file in the Explorer, follows it, and announces its end with Open Results', async () => {
    const { workbench, screenshotDir } = uiContext();
    await workbench.clearNotifications();
    await workbench.openViewContainer('Explorer');
    await workbench.contextMenu(workbench.explorerRow('batch-requests.jsonl'), 'Create Batch Job');
    // The file is validated and uploaded with purpose batch, then the job's settings are asked one by one.
    const title = workbench.quickInput.locator('.quick-input-title');
    for (let step = 0; step < 6; step++) {
      const open = await waitFor(async () => ((await workbench.quickInput.isVisible()) ? true : (await workbench.notifications()).some((t) => /batch job/i.test(t)) ? false : undefined), 'the next prompt');
      if (!open) break;
      const text = (await title.innerText().catch(() => '')).toLowerCase();
      if (text.includes('model')) await workbench.pickQuickItem('mistral-small-latest');
      else if (text.includes('metadata')) await workbench.answerInputBox('demo=ui');
      else await workbench.page.keyboard.press('Enter');
      await workbench.page.waitForTimeout(300);
    }
    const finished = await waitFor(
      async () => (await workbench.notifications()).find((text) => /Batch job ".*" finished: \d+ of \d+ requests succeeded/.test(text)),
      'the notification that the job finished',
      60_000,
    );
    assert.match(finished, /finished/);
    const toast = workbench.page.locator('.notifications-toasts .notification-toast', { hasText: 'finished' });
    assert.ok(await toast.locator('.monaco-button', { hasText: 'Open Results' }).first().isVisible(), 'no Open Results button');

    await workbench.openViewContainer('Mistral');
    const pane = jobsPane();
    const newest = pane.locator('.monaco-list-row').first();
    await waitFor(async () => (/\d+\/\d+/.test(await newest.innerText()) ? true : undefined), 'the new job row with its progress');
    await workbench.page.mouse.move(900, 700);
    await workbench.page.waitForTimeout(400);
    await workbench.page.screenshot({ path: path.join(screenshotDir, 'screenshot-batch-jobs.png') });
  });
});
