/**
 * The Batch Results viewer in the real workbench, reaching into its webview: the demo's finished job (12 support
 * tickets, two of which failed) opens joined with its requests; the user filters to the failures, sees them grouped by
 * message, reads a request and its answer as a conversation, and turns the failures into a new batch file.
 * Runs after filesView.test.ts, which sets the API key.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { uiContext } from './context';
import { waitFor } from './workbench';

const DEMO_JOB = '7c1e5a0f-2b9d-4d4e-9a61-3f0c2d8e4b17';
const FAILED = ['ticket-1003', 'ticket-1006'];


/** The emulator over HTTP, as a second client would use it. */
async function service(pathAndQuery: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const { session } = uiContext();
  const response = await fetch(`${session.emulator.url}${pathAndQuery}`, { ...init, headers: { authorization: `Bearer ${session.apiKey}`, 'content-type': 'application/json' } });
  assert.equal(response.status, 200, `${pathAndQuery}: ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** VS Code hosts a webview in an iframe that loads the page into an inner #active-frame. */
function viewer(): FrameLocator {
  return uiContext().workbench.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

async function rowIds(frame: FrameLocator): Promise<string[]> {
  return frame.locator('.row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-custom-id') ?? ''));
}

describe('Batch Results viewer in the workbench', () => {
  it('opens a finished job from the palette: one row per request, joined by custom_id', async () => {
    const { workbench } = uiContext();
    // Room for the table: the Problems panel an earlier test opened is hidden (Ctrl+J toggles it).
    if (await workbench.page.locator('.part.panel').isVisible()) {
      await workbench.page.keyboard.press('Control+J');
      await workbench.page.locator('.part.panel').waitFor({ state: 'hidden' });
    }
    await workbench.runCommand('Mistral: View Batch Results');
    await workbench.pickQuickItem(DEMO_JOB);
    await workbench.activeTab.filter({ hasText: DEMO_JOB }).waitFor({ state: 'visible' });
    const frame = viewer();
    await frame.locator('.row').first().waitFor({ state: 'visible', timeout: 60_000 });
    const ids = await rowIds(frame);
    assert.deepEqual(ids, Array.from({ length: 12 }, (_, i) => `ticket-${1000 + i}`));
    assert.equal(await frame.locator('.chip.failed .count').innerText(), '2');
    assert.equal(await frame.locator('.chip.succeeded .count').innerText(), '10');
    // The request column shows the user's question, not the JSON around it.
    assert.doesNotMatch(await frame.locator('.row').first().locator('.cell.request').innerText(), /[{}]/);
  });

  it('filters to the failed requests and groups them by error message', async () => {
    const frame = viewer();
    await frame.locator('.chip.failed').click();
    await waitFor(async () => ((await rowIds(frame)).join() === FAILED.join() ? true : undefined), 'only the failed rows');
    const groups = await frame.locator('.group').allInnerTexts();
    assert.equal(groups.length, 2, groups.join(' | '));
    assert.ok(groups.some((group) => /1 ×\s*Request timed out/.test(group)), groups.join(' | '));
    await frame.locator('.group', { hasText: 'Request timed out' }).click();
    await waitFor(async () => ((await rowIds(frame)).join() === 'ticket-1006' ? true : undefined), 'the rows of one error group');
    // Typing narrows further; a text nothing matches says so.
    await frame.locator('#filter').fill('no such text anywhere');
    await frame.locator('.footer', { hasText: 'No request matches' }).waitFor({ state: 'visible' });
    await frame.locator('#filter').fill('');
    await frame.locator('.chip[data-status=""]').click();
    await waitFor(async () => ((await rowIds(frame)).length === 12 ? true : undefined), 'all rows again');
  });

  it('shows a request and its response as a conversation, from the keyboard', async () => {
    const { workbench, screenshotDir } = uiContext();
    const frame = viewer();
    await frame.locator('.row', { hasText: 'ticket-1001' }).click();
    const detail = frame.locator('#detail');
    await detail.locator('.bubble.user').waitFor({ state: 'visible' });
    await detail.locator('.bubble.assistant.response').waitFor({ state: 'visible' });
    assert.equal(await detail.locator('.custom-id').innerText(), 'ticket-1001');
    assert.notEqual((await detail.locator('.bubble.assistant .text').first().innerText()).trim(), '');
    // Down twice from ticket-1001 reaches the failed ticket-1003: its error is shown, and there is no answer.
    await workbench.page.keyboard.press('ArrowDown');
    await workbench.page.keyboard.press('ArrowDown');
    await detail.locator('.custom-id', { hasText: 'ticket-1003' }).waitFor({ state: 'visible' });
    await detail.locator('.error-box', { hasText: 'too large' }).waitFor({ state: 'visible' });
    assert.equal(await frame.locator('.row.selected').getAttribute('data-custom-id'), 'ticket-1003');
    await workbench.clearNotifications();
    // The README picture shows the whole table: the side bar is hidden for it, then shown again.
    await workbench.runCommand('View: Toggle Primary Side Bar Visibility');
    await workbench.sidebar.waitFor({ state: 'hidden' });
    await workbench.page.mouse.move(900, 780);
    await workbench.page.screenshot({ path: path.join(screenshotDir, 'screenshot-batch-results.png') });
    await workbench.runCommand('View: Toggle Primary Side Bar Visibility');
    await workbench.sidebar.waitFor({ state: 'visible' });
  });

  it('turns the failed requests into a new batch file with one click', async () => {
    const { workbench, session } = uiContext();
    await viewer().locator('#createFailed').click();
    const name = `${DEMO_JOB}-failed.jsonl`;
    await workbench.activeTab.filter({ hasText: name }).waitFor({ state: 'visible' });
    const written = path.join(session.sandbox.workspaceDir, name);
    const lines = fs.readFileSync(written, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; body: unknown });
    assert.deepEqual(lines.map((line) => line.custom_id), FAILED);
    assert.ok(lines.every((line) => typeof line.body === 'object' && line.body !== null), 'whole request lines, bodies included');
    await waitFor(async () => ((await workbench.activeEditorLines()).some((line) => line.includes('ticket-1006')) ? true : undefined), 'the new file in an editor');
  });

  it('compares the job with a rerun on the same input, side by side by custom_id', async () => {
    const { workbench, screenshotDir } = uiContext();
    const demo = await service(`/v1/batch/jobs/${DEMO_JOB}`);
    // A rerun on a bigger model where ticket-1006 fails again and ticket-1003 now succeeds.
    await service('/_emulator/batch/failures', { method: 'POST', body: JSON.stringify({ customId: 'ticket-1006', statusCode: 504, message: 'Request timed out' }) });
    let rerun: Record<string, unknown>;
    try {
      const created = await service('/v1/batch/jobs', { method: 'POST', body: JSON.stringify({ input_files: demo.input_files, endpoint: '/v1/chat/completions', model: 'mistral-large-latest' }) });
      rerun = await waitFor(async () => {
        const job = await service(`/v1/batch/jobs/${String(created.id)}`);
        return job.status === 'SUCCESS' ? job : undefined;
      }, 'the rerun to finish');
    } finally {
      await service('/_emulator/batch/failures', { method: 'DELETE' }).catch(() => undefined);
    }
    await workbench.runCommand('Mistral: Compare Batch Results…');
    await workbench.pickQuickItem(DEMO_JOB);
    // The second pick lists jobs on the same input first.
    const offered = await workbench.quickPickLabels();
    assert.equal(offered[0], rerun.id, offered.join(', '));
    await workbench.pickQuickItem(String(rerun.id));
    const frame = viewer();
    await frame.locator('.row').first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal((await rowIds(frame)).length, 12);
    await frame.locator('.chip.statusChanged').click();
    await waitFor(async () => ((await rowIds(frame)).join() === 'ticket-1003' ? true : undefined), 'only the row whose status changed');
    await frame.locator('.row').first().click();
    await frame.locator('#detail .side-a .error-box', { hasText: 'too large' }).waitFor({ state: 'visible' });
    await frame.locator('#detail .side-b .bubble.assistant').waitFor({ state: 'visible' });
    // The picture shows every request with the changed one open, the editor given the whole window.
    await frame.locator('.chip.all').click();
    await waitFor(async () => ((await rowIds(frame)).length === 12 ? true : undefined), 'all twelve rows again');
    await workbench.clearNotifications();
    await workbench.runCommand('View: Toggle Primary Side Bar Visibility');
    await workbench.sidebar.waitFor({ state: 'hidden' });
    await workbench.page.mouse.move(900, 780);
    await workbench.page.screenshot({ path: path.join(screenshotDir, 'screenshot-batch-compare.png') });
    await workbench.runCommand('View: Toggle Primary Side Bar Visibility');
    await workbench.sidebar.waitFor({ state: 'visible' });
  });
});

describe('Conversations view of a chat JSONL in the workbench', () => {
  it('reads train.jsonl one conversation at a time, from the editor title command and the keyboard', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Explorer');
    await workbench.explorerRow('train.jsonl').click();
    await workbench.activeTab.filter({ hasText: 'train.jsonl' }).waitFor({ state: 'visible' });
    await workbench.runCommand('Mistral: Open as Conversations');
    const frame = viewer();
    const record = frame.locator('#record');
    await record.locator('.bubble.user', { hasText: 'capital of France' }).waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal((await record.locator('.bubble.assistant').innerText()).includes('Paris.'), true);
    assert.match(await frame.locator('#status').innerText(), /Record 1 of 3/);
    // → shows the next record, with its system prompt as a bubble of its own.
    await record.focus();
    await workbench.page.keyboard.press('ArrowRight');
    await record.locator('.bubble.system', { hasText: 'Answer briefly.' }).waitFor({ state: 'visible' });
    assert.match(await frame.locator('#status').innerText(), /Record 2 of 3 · line 2/);
  });

  it('lists train.jsonl\'s records beside the conversation: a row each, and a click shows that record', async () => {
    const { workbench } = uiContext();
    const frame = viewer();
    const rows = frame.locator('.records .row');
    await waitFor(async () => ((await rows.count()) === 3 ? true : undefined), 'one row per record');
    assert.deepEqual(await rows.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-line'))), ['1', '2', '3']);
    assert.match(await rows.nth(0).locator('.preview').innerText(), /capital of France/);
    // → earlier moved the list's selection along with the record.
    assert.equal(await frame.locator('.records .row.selected').getAttribute('data-line'), '2');
    await rows.nth(2).click();
    await frame.locator('#record .bubble.user', { hasText: 'Translate "chat" to English.' }).waitFor({ state: 'visible' });
    assert.match(await frame.locator('#status').innerText(), /Record 3 of 3 · line 3/);
    assert.equal(await frame.locator('.records .row.selected').getAttribute('data-line'), '3');
    // ↑ in the list goes back a record.
    await workbench.page.keyboard.press('ArrowUp');
    await frame.locator('#status', { hasText: 'Record 2 of 3' }).waitFor({ state: 'visible' });
  });

  it('shows a record\'s validation problems above it (broken.jsonl, from the Explorer menu)', async () => {
    const { workbench, screenshotDir } = uiContext();
    await workbench.contextMenu(workbench.explorerRow('broken.jsonl'), 'Open as Conversations');
    const frame = viewer();
    await frame.locator('#status', { hasText: 'Record 1 of 3' }).waitFor({ state: 'visible', timeout: 60_000 });
    await frame.locator('#line').fill('2');
    await frame.locator('#line').press('Enter');
    await frame.locator('#record .error-box', { hasText: 'not JSON' }).waitFor({ state: 'visible' });
    await frame.locator('#line').fill('3');
    await frame.locator('#line').press('Enter');
    await frame.locator('#status', { hasText: 'line 3' }).waitFor({ state: 'visible' });
    // The problem the earlier Validate run listed for line 3, beside the conversation it is about.
    await frame.locator('#record .problem', { hasText: /assistant/i }).waitFor({ state: 'visible' });
    await frame.locator('#record .bubble.user', { hasText: 'Nobody answers this one.' }).waitFor({ state: 'visible' });
    await workbench.page.screenshot({ path: path.join(screenshotDir, 'screenshot-conversations.png') });
  });
});

describe('New Batch File… in the workbench', () => {
  it('turns a CSV into a batch file from the Explorer: a column as the user message, custom_id from a column', async () => {
    const { workbench, session } = uiContext();
    const workspace = session.sandbox.workspaceDir;
    fs.writeFileSync(path.join(workspace, 'tickets.csv'), 'ticket,question\nT-7,"Refund, please"\nT-8,"Two\nlines"\n');
    await workbench.clearNotifications();
    await workbench.openViewContainer('Explorer');
    // The sandbox does not watch its files: the new CSV shows after a refresh.
    await workbench.runCommand('Refresh Explorer');
    const row = workbench.explorerRow('tickets.csv');
    await row.waitFor({ state: 'visible' });
    await workbench.contextMenu(row, 'New Batch File');
    // The columns are offered with the first row's values; then the custom_id, with the first request previewed.
    const columns = await workbench.quickPickLabels();
    for (const offered of ['ticket', 'question', 'Template file…']) assert.ok(columns.includes(offered), columns.join(', '));
    await workbench.pickQuickItem('question');
    await workbench.quickInput.locator('.quick-input-box input[placeholder*="Refund, please"]').waitFor({ state: 'visible' });
    await workbench.pickQuickItem('ticket');
    await workbench.activeTab.filter({ hasText: 'tickets-batch.jsonl' }).waitFor({ state: 'visible' });
    const written = fs.readFileSync(path.join(workspace, 'tickets-batch.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; body: { messages: Array<{ content: string }> } });
    assert.deepEqual(written.map((line) => [line.custom_id, line.body.messages[0].content]), [['T-7', 'Refund, please'], ['T-8', 'Two\nlines']]);
    await waitFor(async () => (await workbench.notifications()).find((text) => text.includes('2 requests written to tickets-batch.jsonl')), 'the summary');
  });
});
