/**
 * Convert to Mistral JSONL… and Split JSONL… as a person uses them: right-click a CSV in the Explorer, accept the
 * detected format and the proposed name, read the summary; then split the result from its own context menu.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { uiContext } from './context';
import { waitFor } from './workbench';


/** The sandbox does not watch its files: new ones appear in the Explorer on a refresh, as after any outside change. */

describe('Convert and split in the workbench', () => {
  it('converts a CSV from the Explorer with the detected format and the proposed name, and says what it did', async () => {
    const { workbench, session } = uiContext();
    const workspace = session.sandbox.workspaceDir;
    const rows = Array.from({ length: 40 }, (_, k) => `"Question ${k}, please","Answer ${k}\non two lines"`);
    fs.writeFileSync(path.join(workspace, 'faq.csv'), `prompt,completion\n${rows.join('\n')}\n`);
    await workbench.clearNotifications();
    await workbench.openViewContainer('Explorer');
    const row = await uiContext().workbench.newExplorerRow('faq.csv');
    await workbench.contextMenu(row, 'Convert to Mistral JSONL');
    // The detected format comes first, named after what was found.
    const labels = await workbench.quickPickLabels();
    assert.equal(labels[0], 'Detected: CSV', `source picker: ${labels.join(', ')}`);
    await workbench.pickQuickItem('Detected: CSV');
    // The save dialog proposes faq.mistral.jsonl beside the input: accept it.
    const input = workbench.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    // The simple save dialog types the proposed path in after it opens.
    await waitFor(async () => ((await input.inputValue()).endsWith('/faq.mistral.jsonl') ? true : undefined), 'the proposed output name', 10_000);
    await input.press('Enter');
    const summary = await waitFor(async () => (await workbench.notifications()).find((text) => text.includes('faq.mistral.jsonl')), 'the conversion summary');
    assert.match(summary, /Converted 40 of 40 records to "faq\.mistral\.jsonl" \(0 dropped\)\. The output has 0 validation error/);
    const output = path.join(workspace, 'faq.mistral.jsonl');
    assert.equal(fs.readFileSync(output, 'utf8').trim().split('\n').length, 40);
  });

  it('splits the converted file from its context menu into train and validation files', async () => {
    const { workbench, session } = uiContext();
    const workspace = session.sandbox.workspaceDir;
    await workbench.clearNotifications();
    const row = await uiContext().workbench.newExplorerRow('faq.mistral.jsonl');
    await workbench.contextMenu(row, 'Split JSONL');
    await workbench.pickQuickItem('Train and validation files');
    const summary = await waitFor(async () => (await workbench.notifications()).find((text) => text.startsWith('Split ')), 'the split summary');
    assert.match(summary, /Split 40 records into 2 files: faq\.mistral\.validation\.jsonl \(.+\), faq\.mistral\.train\.jsonl \(.+\)/);
    await uiContext().workbench.newExplorerRow('faq.mistral.validation.jsonl');
    assert.equal(fs.readFileSync(path.join(workspace, 'faq.mistral.validation.jsonl'), 'utf8').trim().split('\n').length, 2);
  });
});
