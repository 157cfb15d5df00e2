/**
 * Run OCR in the real workbench: a PDF in the Explorer becomes Markdown, opened in an editor with its rendered preview
 * beside it, the extracted figures saved next to it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { uiContext } from './context';
import { waitFor } from './workbench';


/** The Markdown preview is a webview: an iframe whose inner #active-frame holds the rendered page. */
function preview(): FrameLocator {
  return uiContext().workbench.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

describe('Run OCR in the workbench', () => {
  before(async () => {
    // Set here too, so this file also runs on its own (--grep): the menu entry needs a key.
    const { workbench, session } = uiContext();
    await workbench.openViewContainer('Mistral');
    await workbench.runCommand('Mistral: Set API Key');
    await workbench.answerInputBox(session.apiKey);
    await workbench.quickInput.waitFor({ state: 'hidden' });
  });

  it('turns a PDF from the Explorer into Markdown shown beside its preview, with its figures', async () => {
    const { workbench, session, screenshotDir } = uiContext();
    // Room for the editors: the Problems panel an earlier test opened is hidden (Ctrl+J toggles it).
    if (await workbench.page.locator('.part.panel').isVisible()) {
      await workbench.page.keyboard.press('Control+J');
      await workbench.page.locator('.part.panel').waitFor({ state: 'hidden' });
    }
    await workbench.openViewContainer('Explorer');
    const entries = await workbench.contextMenuEntries(workbench.explorerRow('quarterly-report.pdf'));
    assert.ok(entries.includes('Run OCR'), `Run OCR is not offered: ${entries.join(', ')}`);
    assert.ok(!entries.includes('Transcribe'), 'Transcribe is offered for a PDF');
    await workbench.contextMenu(workbench.explorerRow('quarterly-report.pdf'), 'Run OCR');
    // Where to save: beside the PDF is offered first.
    const offered = await workbench.quickPickLabels();
    assert.equal(offered[0], 'Beside "quarterly-report.pdf"');
    await workbench.pickQuickItem('Beside "quarterly-report.pdf"');

    // The Markdown in an editor, and its preview beside it.
    const page = workbench.page;
    await page.locator('.tab', { hasText: /^quarterly-report\.md/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.tab', { hasText: 'Preview quarterly-report.md' }).waitFor({ state: 'visible', timeout: 60_000 });
    const rendered = preview();
    await rendered.locator('h1', { hasText: 'Quarterly report Q3 2026' }).waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await rendered.locator('h1').count(), 2, 'one title per page');
    assert.ok((await rendered.locator('body').innerText()).includes('Acme Workspace grew to 4,210 paying teams (+12% on Q2).'));
    // The figures load from the files saved next to the Markdown.
    const image = rendered.locator('img').first();
    await image.waitFor({ state: 'visible' });
    await waitFor(async () => ((await image.evaluate((img) => ((img as unknown as { complete: boolean }).complete ? (img as unknown as { naturalWidth: number }).naturalWidth : 0))) > 0 ? true : undefined), 'the figure to load');
    assert.equal(await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), 320);
    // The text editor is the first group (the preview, beside it, is the active one).
    const editorText = (await page.locator('.editor-group-container').first().locator('.monaco-editor .view-lines .view-line').allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');
    assert.match(editorText, /<!-- page 1 \(1 of 2\) -->/);

    const workspace = session.sandbox.workspaceDir;
    assert.deepEqual(
      fs.readdirSync(workspace).filter((name) => name.startsWith('quarterly-report')).sort(),
      ['quarterly-report-img-0.jpeg', 'quarterly-report-img-1.jpeg', 'quarterly-report.md', 'quarterly-report.pdf'],
    );

    await workbench.clearNotifications();
    await page.mouse.move(900, 700);
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(screenshotDir, 'screenshot-ocr.png') });
    // Later tests find their own webview: this one is closed.
    await workbench.runCommand('View: Close All Editors');
  });

  it('reads a selection of two PDFs with one question each, keeps the earlier result, and opens a result from the summary', async () => {
    const { workbench, session } = uiContext();
    const { page } = workbench;
    const workspace = session.sandbox.workspaceDir;
    const earlier = fs.readFileSync(path.join(workspace, 'quarterly-report.md'), 'utf8');
    await workbench.clearNotifications();
    await workbench.openViewContainer('Explorer');
    await workbench.explorerRow('invoice.pdf').click();
    await workbench.explorerRow('quarterly-report.pdf').click({ modifiers: ['Control'] });
    await workbench.contextMenu(workbench.explorerRow('quarterly-report.pdf'), 'Run OCR');
    await workbench.pickQuickItem('Beside Each File');
    // quarterly-report.md is there from the test before: asked once, for the whole run.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /"quarterly-report\.md" already exists/);
    await dialog.locator('.monaco-button', { hasText: 'Keep Both' }).click();

    const summary = page.locator('.notifications-toasts .notification-toast', { hasText: 'Saved the OCR of' });
    await summary.waitFor({ state: 'visible', timeout: 60_000 });
    const text = await summary.innerText();
    assert.match(text, /invoice\.pdf/);
    assert.match(text, /quarterly-report \(1\)\.md/, `the new name is not said: ${text}`);
    assert.equal(fs.readFileSync(path.join(workspace, 'quarterly-report.md'), 'utf8'), earlier, 'the earlier result was changed');
    assert.ok(fs.existsSync(path.join(workspace, 'invoice.md')));
    assert.ok(fs.existsSync(path.join(workspace, 'quarterly-report (1).md')));
    // No editor per result: the summary offers them.
    assert.equal(await page.locator('.tab', { hasText: /^invoice\.md/ }).count(), 0, 'a result opened by itself');
    await summary.locator('.monaco-button', { hasText: 'Open Results' }).click();
    assert.deepEqual((await workbench.quickPickLabels()).filter((label) => label.endsWith('.md')).sort(), ['invoice.md', 'quarterly-report (1).md']);
    await workbench.pickQuickItem('invoice.md');
    await page.locator('.tab', { hasText: /^invoice\.md/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.tab', { hasText: 'Preview invoice.md' }).waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.runCommand('View: Close All Editors');
  });
});
