/** `mistral.delete`: one or many, 404 counted as already gone, failures reported, the tree updated. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionHandles } from './fileCommandsSupport';
import { rowsUnder } from './coreSupport';
import { jobsReading, type DeleteOutcome } from '../../src/extension/files/commands/delete';
import { activateWithKey, addFault, api, clearFaults, env, eventually, remoteFile, seedRemoteFile, setSetting, uniqueTag, fileNode } from './fileCommandsSupport';

async function remove(...args: unknown[]): Promise<DeleteOutcome> {
  const outcome = await vscode.commands.executeCommand<DeleteOutcome | undefined>('mistral.delete', ...args);
  assert.ok(outcome, 'mistral.delete returned nothing');
  return outcome;
}


describe('Delete command', function () {
  this.timeout(60_000);
  let deps: ExtensionHandles;

  before(async () => {
    deps = (await activateWithKey()) as ExtensionHandles;
  });
  afterEach(clearFaults);

  it('deletes one file and drops it from the tree', async () => {
    const file = await seedRemoteFile(`one-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`);
    // The tree loads when its view is shown.
    await vscode.commands.executeCommand('mistral.files.focus');
    deps.tree.refresh();
    const fineTuneLabels = async (): Promise<string[]> => (await rowsUnder(deps.tree, 'Fine-tune')).map((row) => row.label);
    await eventually('the seeded file\'s row', async () => (await fineTuneLabels()).includes(file.filename));
    const outcome = await remove(fileNode(file), [fileNode(file)], { confirm: false });
    assert.deepEqual(outcome, { deleted: [file.id], alreadyGone: [], failed: [], cancelled: false });
    assert.equal(await remoteFile(file.id), undefined);
    await eventually('the file\'s row gone', async () => !(await fineTuneLabels()).includes(file.filename));
  });

  it('deletes a multi-selection, counting a file deleted meanwhile (404) as already gone', async () => {
    const files = await Promise.all([0, 1, 2].map((i) => seedRemoteFile(`many-${i}-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`, i === 2 ? 'batch' : 'fine-tune')));
    assert.equal((await api(`/v1/files/${files[1].id}`, { method: 'DELETE' })).status, 200);
    const nodes = files.map(fileNode);
    const outcome = await remove(nodes[2], nodes, { confirm: false });
    assert.deepEqual(outcome.deleted.sort(), [files[0].id, files[2].id].sort());
    assert.deepEqual(outcome.alreadyGone, [files[1].id]);
    assert.deepEqual(outcome.failed, []);
    for (const file of files) assert.equal(await remoteFile(file.id), undefined);
  });

  it('acts on the clicked file only when it is not part of the selection', async () => {
    const [clicked, selected] = await Promise.all([0, 1].map((i) => seedRemoteFile(`click-${i}-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`)));
    const outcome = await remove(fileNode(clicked), [fileNode(selected)], { confirm: false });
    assert.deepEqual(outcome.deleted, [clicked.id]);
    assert.equal(await remoteFile(clicked.id), undefined);
    assert.ok(await remoteFile(selected.id), 'the other selected file must survive');
  });

  it('accepts bare ids and reports each failure (401) while deleting the rest', async () => {
    const [kept, deleted] = await Promise.all([0, 1].map((i) => seedRemoteFile(`ids-${i}-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`)));
    await addFault({ method: 'DELETE', path: `/v1/files/${kept.id}$`, status: 401, count: 1 });
    const outcome = await remove([kept.id, deleted.id], { confirm: false });
    assert.deepEqual(outcome.deleted, [deleted.id]);
    assert.equal(outcome.failed.length, 1);
    assert.equal(outcome.failed[0].id, kept.id);
    assert.match(outcome.failed[0].error, /401|key/i);
    assert.ok(await remoteFile(kept.id));
    assert.equal(await remoteFile(deleted.id), undefined);
  });

  it('retries a 429 and deletes once', async () => {
    const file = await seedRemoteFile(`rate-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`);
    await addFault({ method: 'DELETE', path: `/v1/files/${file.id}$`, status: 429, retryAfterSeconds: 1, count: 1 });
    const outcome = await remove(file, { confirm: false });
    assert.deepEqual(outcome.deleted, [file.id]);
    assert.equal(await remoteFile(file.id), undefined);
  });

  it('reports a network failure (service unreachable) and keeps the file', async () => {
    const file = await seedRemoteFile(`net-${uniqueTag()}.jsonl`, `${uniqueTag()}\n`);
    // Nothing listens on the discard port: every connection is refused, as when the network is down.
    await setSetting('baseUrl', 'http://127.0.0.1:9');
    try {
      const outcome = await remove(file, { confirm: false });
      assert.deepEqual(outcome.deleted, []);
      assert.equal(outcome.failed.length, 1);
    } finally {
      await setSetting('baseUrl', env('MISTRAL_TEST_BASE_URL'));
    }
    assert.ok(await remoteFile(file.id));
  });

  it('names the unfinished batch jobs that read a file in its delete confirmation', async () => {
    const tag = uniqueTag();
    const input = await seedRemoteFile(`read-${tag}.jsonl`, `${JSON.stringify({ custom_id: '1', body: { messages: [{ role: 'user', content: tag }] } })}\n`, 'batch');
    const idle = await seedRemoteFile(`idle-${tag}.jsonl`, `${JSON.stringify({ custom_id: '1', body: { messages: [{ role: 'user', content: tag }] } })}\n`, 'batch');
    const settings = await (await api('/_emulator/batch/settings')).json() as { rate: number };
    // Frozen, the job stays QUEUED while the delete is considered.
    assert.equal((await api('/_emulator/batch/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: 0 }) })).status, 200);
    try {
      const job = await deps.client.batch.create({ input_files: [input.id], endpoint: '/v1/chat/completions', model: 'mistral-small-latest' });
      const warnings = await jobsReading(deps, [input, idle]);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], new RegExp(`"read-${tag}\\.jsonl" is read by unfinished batch job\\(s\\) ${job.id.slice(0, 8)}… \\(QUEUED\\)`));
      await deps.client.batch.cancel(job.id);
    } finally {
      await api('/_emulator/batch/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: settings.rate }) });
    }
    assert.deepEqual(await jobsReading(deps, [fileNode(idle).file]), []);
    await remove([input, idle], { confirm: false });
  });
});
