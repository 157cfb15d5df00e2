/**
 * The walkthrough's "Set your API key" step is ticked whenever a key is stored, also in a window where the user never
 * opened the Mistral view. Runs last: it reloads the window. The key was stored by filesView.test.ts.
 */
import { uiContext } from './context';
import { waitForAttribute } from './workbench';

const KEY_STEP = 'mistral-files.mistral-files#mistral.gettingStarted#setKey';

async function openWalkthrough(): Promise<void> {
  const { workbench } = uiContext();
  await workbench.runCommand('Welcome: Open Walkthrough...');
  await workbench.pickQuickItem('Get started with Mistral Files');
}

describe('The getting-started walkthrough', () => {
  const keyStepCheckbox = () => uiContext().workbench.page.locator(`[data-done-step-id="${KEY_STEP}"]`);

  it('ticks "Set your API key" after a reload with a key stored, without the Mistral view being opened', async () => {
    const { workbench } = uiContext();
    await openWalkthrough();
    await waitForAttribute(keyStepCheckbox(), 'aria-checked', 'true', 30_000);
    // Un-tick it the way a person can (the step's check mark), then start a new window where nothing of ours is shown.
    await keyStepCheckbox().click();
    await waitForAttribute(keyStepCheckbox(), 'aria-checked', 'false');
    await workbench.runCommand('View: Close All Editors');
    await workbench.openViewContainer('Explorer');
    await workbench.runCommand('Developer: Reload Window');
    await workbench.page.waitForLoadState('load');
    await workbench.waitUntilReady();

    await openWalkthrough();
    await waitForAttribute(keyStepCheckbox(), 'aria-checked', 'true', 30_000);
  });
});
