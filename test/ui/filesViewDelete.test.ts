/**
 * Deleting from the Files view as a person does: the context menu, the confirmation dialog that tells the file apart
 * from others of the same name, and the quiet summary in the status bar. Runs after filesView.test.ts, whose
 * "Upload Anyway" left broken.jsonl on the service.
 */
import * as assert from 'node:assert/strict';
import { uiContext } from './context';
import { remoteFilesNamed } from './service';
import { waitFor, waitForAttribute } from './workbench';

async function remoteIdsNamed(name: string): Promise<string[]> {
  return (await remoteFilesNamed(name)).map((file) => file.id);
}

describe('Delete from the Files view', () => {
  it('asks in a dialog that names the file with its size, age and id, then deletes it and says so in the status bar', async () => {
    const { workbench } = uiContext();
    const [id] = await remoteIdsNamed('broken.jsonl');
    assert.ok(id, 'broken.jsonl is on the service');
    await workbench.openViewContainer('Mistral');
    const pane = workbench.viewPane('Files');
    await workbench.expandRow(workbench.treeRow(pane, 'Fine-tune'));
    const row = workbench.treeRow(pane, 'broken.jsonl');
    await row.waitFor({ state: 'visible' });

    await workbench.contextMenu(row, 'Delete');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    const text = await dialog.innerText();
    assert.match(text, /Delete "broken\.jsonl" from Mistral\?/);
    assert.ok(text.includes(id), `the dialog names the id: ${text}`);
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    await row.waitFor({ state: 'detached' });
    assert.deepEqual(await remoteIdsNamed('broken.jsonl'), []);
    await waitFor(
      async () => ((await workbench.page.locator('.statusbar').innerText()).includes('Deleted "broken.jsonl"') ? true : undefined),
      'the status bar summary',
    );
  });

  it('keeps the file when the dialog is cancelled', async () => {
    const { workbench } = uiContext();
    const pane = workbench.viewPane('Files');
    const row = workbench.treeRow(pane, 'train.jsonl');
    await row.waitFor({ state: 'visible' });
    const before = await remoteIdsNamed('train.jsonl');
    await workbench.contextMenu(row, 'Delete');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.deepEqual(await remoteIdsNamed('train.jsonl'), before);
    assert.ok(await row.isVisible(), 'the row stays');
  });

  it('answers the keyboard on a selected file: Ctrl+C copies its id, Delete asks the same question, F5 reloads', async () => {
    const { workbench } = uiContext();
    await workbench.openViewContainer('Mistral');
    const pane = workbench.viewPane('Files');
    await workbench.expandRow(workbench.treeRow(pane, 'Fine-tune'));
    const row = workbench.treeRow(pane, 'train.jsonl');
    await row.click();
    await waitForAttribute(row, 'aria-selected', 'true');
    const [id] = await remoteIdsNamed('train.jsonl');
    await workbench.page.keyboard.press('Control+C');
    await waitFor(async () => ((await workbench.page.locator('.statusbar').innerText()).includes(`Copied file ID ${id}`) ? true : undefined), 'the status bar to say the id was copied');
    await workbench.page.keyboard.press('Delete');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /train\.jsonl/);
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.deepEqual(await remoteIdsNamed('train.jsonl'), [id]);
    // F5 reloads the view: its groups are listed again.
    const requests = uiContext().session.emulator.requests;
    const before = requests.lastSeq;
    await workbench.page.keyboard.press('F5');
    await waitFor(
      async () => (requests.since(before).some((r) => r.method === 'GET' && r.path === '/v1/files' && r.query.includes('purpose=fine-tune')) ? true : undefined),
      'F5 to list the files again',
    );
  });
});
