/**
 * Go to File… and Sort in the real VS Code host: a pasted id, a signed URL or a typed name reveals and selects the file
 * (paging its group as far as needed), an unknown id reveals nothing; groups sort by date, name or size, say so,
 * remember the order per workspace, and load every page when asked.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MistralFile } from '../../src/api/files/types';
import { rootRows, rowsUnder } from './coreSupport';
import { activateWithKey, instructLine, seedRemoteFile, uniqueTag, withSetting, type ExtensionHandles } from './fileCommandsSupport';

describe('Go to File and Sort', function () {
  this.timeout(120_000);
  let deps: ExtensionHandles;
  const tag = `goto-${uniqueTag()}`;
  const seeded: MistralFile[] = [];
  let restorePageSize: () => Promise<void>;

  before(async () => {
    deps = await activateWithKey();
    // Sizes grow with the index, names do not follow upload order: each order gives a different list.
    const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'foxtrot', 'golf'];
    for (const [i, name] of names.entries()) {
      seeded.push(await seedRemoteFile(`${tag}-${name}.jsonl`, `${instructLine(`q${i} ${tag} ${'x'.repeat(i * 40)}`, 'a')}\n`, 'fine-tune'));
    }
    restorePageSize = await withSetting('mistral', 'pageSize', 2);
    await vscode.commands.executeCommand('mistral.filter', { search: tag });
  });

  after(async () => {
    await vscode.commands.executeCommand('mistral.sortFiles', 'date');
    await vscode.commands.executeCommand('mistral.clearFilter');
    await restorePageSize();
  });

  /** The Fine-tune group's file rows, top to bottom, without the run's tag. */
  async function shownNames(): Promise<string[]> {
    return (await rowsUnder(deps.tree, 'Fine-tune')).filter((r) => r.label.startsWith(tag)).map((r) => r.label.slice(tag.length + 1));
  }

  it('reveals a pasted file id many pages down and selects it', async () => {
    await vscode.commands.executeCommand('mistral.refresh');
    const oldest = seeded[0];
    const revealed = await vscode.commands.executeCommand<MistralFile | undefined>('mistral.goToFile', ` ${oldest.id}\n`);
    assert.equal(revealed?.id, oldest.id);
    assert.deepEqual(deps.tree.selectedFiles().map((f) => f.id), [oldest.id]);
    assert.ok((deps.tree.groupStatus('fine-tune')?.loaded ?? 0) >= seeded.length, 'its group paged on until the file was loaded');
  });

  it('reveals the file a pasted signed URL points to', async () => {
    const target = seeded[3];
    const url = await vscode.commands.executeCommand<string>('mistral.copySignedUrl', target, { expiryHours: 1 });
    assert.match(String(url), /^http:\/\/127\.0\.0\.1:\d+\//);
    const revealed = await vscode.commands.executeCommand<MistralFile | undefined>('mistral.goToFile', url);
    assert.equal(revealed?.id, target.id);
    assert.deepEqual(deps.tree.selectedFiles().map((f) => f.id), [target.id]);
  });

  it('reveals a file by a typed part of its name, across purposes', async () => {
    const other = await seedRemoteFile(`${tag}-requests.jsonl`, `${JSON.stringify({ custom_id: '1', body: { messages: [] } })}\n`, 'batch');
    const revealed = await vscode.commands.executeCommand<MistralFile | undefined>('mistral.goToFile', `${tag}-requests`);
    assert.equal(revealed?.id, other.id);
    assert.deepEqual(deps.tree.selectedFiles().map((f) => f.id), [other.id]);
  });

  it('reveals nothing for an id the service does not know', async () => {
    const before = deps.tree.selectedFiles().map((f) => f.id);
    const revealed = await vscode.commands.executeCommand('mistral.goToFile', '00000000-0000-4000-8000-000000000000');
    assert.equal(revealed, undefined);
    assert.deepEqual(deps.tree.selectedFiles().map((f) => f.id), before);
  });

  it('sorts one group by name or size among the loaded files, says so, and remembers it per workspace', async () => {
    await vscode.commands.executeCommand('mistral.refresh');
    await vscode.commands.executeCommand('mistral.loadMore', 'fine-tune');
    assert.deepEqual(await shownNames(), ['golf.jsonl', 'foxtrot.jsonl', 'bravo.jsonl', 'charlie.jsonl'], 'newest first by default');

    await vscode.commands.executeCommand('mistral.sortGroup', { kind: 'group', purpose: 'fine-tune' }, 'name');
    assert.deepEqual(await shownNames(), ['bravo.jsonl', 'charlie.jsonl', 'foxtrot.jsonl', 'golf.jsonl']);
    assert.equal((await rootRows(deps.tree)).find((r) => r.label === 'Fine-tune')?.description, '7 files · by name');
    assert.equal((await rowsUnder(deps.tree, 'Fine-tune')).at(-1)?.description, '4 of 7 shown · sorted among loaded files', 'the Load more row says so');
    const stored = deps.context.workspaceState.get<{ groups?: Record<string, string> }>('mistral.files.sortOrder');
    assert.equal(stored?.groups?.['fine-tune'], 'name');
    assert.equal((await rootRows(deps.tree)).find((r) => r.label === 'Batch')?.description, '1 file', 'other groups keep theirs');

    await vscode.commands.executeCommand('mistral.sortGroup', 'fine-tune', 'size');
    assert.deepEqual(await shownNames(), ['golf.jsonl', 'foxtrot.jsonl', 'bravo.jsonl', 'charlie.jsonl']);
  });

  it('loads every page first when asked, so the order covers the whole group', async () => {
    await vscode.commands.executeCommand('mistral.refresh');
    await vscode.commands.executeCommand('mistral.sortFiles', 'name', { loadAll: true });
    assert.deepEqual(await shownNames(), ['alpha.jsonl', 'bravo.jsonl', 'charlie.jsonl', 'delta.jsonl', 'echo.jsonl', 'foxtrot.jsonl', 'golf.jsonl']);
    assert.equal((await rowsUnder(deps.tree, 'Fine-tune')).some((r) => r.label === 'Load more…'), false);
    const group = (await rootRows(deps.tree))[0];
    assert.equal(group.label, 'Fine-tune');
    assert.equal(group.description, '7 files · by name', 'the view-title order replaces the group’s own');
  });
});
