/**
 * The walkthrough ticks its steps for what was done, also when it is opened long after (VS Code only registers a
 * walkthrough when one is first opened) and in a new window with a key stored. Runs last: it reloads the window.
 */
import { uiContext } from './context';
import { remoteFilesNamed, writeWorkspaceFile } from './service';
import { waitFor, waitForAttribute } from './workbench';

const WALKTHROUGH = 'mistral-files.mistral-files#mistral.gettingStarted';

async function openWalkthrough(): Promise<void> {
  const { workbench } = uiContext();
  await workbench.runCommand('Welcome: Open Walkthrough...');
  await workbench.pickQuickItem('Get started with Mistral Files');
}

describe('The getting-started walkthrough', () => {
  const stepCheckbox = (step: string) => uiContext().workbench.page.locator(`[data-done-step-id="${WALKTHROUGH}#${step}"]`);

  before(async () => {
    // Set here too, so this file also runs on its own (--grep).
    const { workbench, session } = uiContext();
    await workbench.runCommand('Mistral: Set API Key');
    await workbench.answerInputBox(session.apiKey);
    await workbench.quickInput.waitFor({ state: 'hidden' });
  });

  it('ticks "Upload a file" and "Validate JSONL" for what was done before the walkthrough was ever opened', async () => {
    const { workbench } = uiContext();
    await workbench.runCommand('View: Close All Editors');
    await workbench.contextMenu(await workbench.newExplorerRow('train.jsonl'), 'Validate JSONL File');
    const name = 'walkthrough-upload.jsonl';
    writeWorkspaceFile(name, `${JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] })}\n`);
    await workbench.contextMenu(await workbench.newExplorerRow(name), 'Upload to Mistral');
    await workbench.pickQuickItem('Fine-tune');
    await waitFor(async () => (await remoteFilesNamed(name))[0], `${name} to reach the service`);
    await openWalkthrough();
    for (const step of ['setKey', 'upload', 'validate']) await waitForAttribute(stepCheckbox(step), 'aria-checked', 'true', 30_000);
  });

  it('ticks "Set your API key" in a new window where a key is stored, without the Mistral view being opened', async () => {
    const { workbench } = uiContext();
    // Un-tick it the way a person can (the step's check mark), then start a new window where nothing of ours is shown.
    await stepCheckbox('setKey').click();
    await waitForAttribute(stepCheckbox('setKey'), 'aria-checked', 'false');
    await workbench.runCommand('View: Close All Editors');
    await workbench.openViewContainer('Explorer');
    await workbench.runCommand('Developer: Reload Window');
    await workbench.page.waitForLoadState('load');
    await workbench.waitUntilReady();

    await openWalkthrough();
    await waitForAttribute(stepCheckbox('setKey'), 'aria-checked', 'true', 30_000);
  });
});
