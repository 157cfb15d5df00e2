/**
 * Quick fixes where the user meets them: the Problems panel row's "Show fixes" light bulb lists the fix for the line
 * and "Fix all of this kind in the file"; picking the latter rewrites every line and the problems go away.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { uiContext } from './context';
import { waitFor } from './workbench';


const FILE = 'openai-tools.jsonl';
const TOOLS = '"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{}}}}]';
const line = (id: string): string =>
  `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"${id}","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","content":"r","tool_call_id":"${id}"},{"role":"assistant","content":"Hello"}],${TOOLS}}`;

describe('Quick fixes in the workbench', () => {
  it('fixes every OpenAI call id in the file from the Problems panel', async () => {
    const { workbench, session } = uiContext();
    const file = path.join(session.sandbox.workspaceDir, FILE);
    fs.writeFileSync(file, `${line('call_8f2KQd1rWmZt')}\n${line('call_Zz91AbCdEfGh')}\n`);
    // Written behind the workbench's back, so opened with Quick Open (which searches the disk) rather than the Explorer.
    await workbench.dismissQuickInput();
    await workbench.page.keyboard.press('Control+P');
    const input = workbench.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(FILE);
    await workbench.quickInput.locator('.monaco-list-row', { hasText: FILE }).first().waitFor({ state: 'visible' });
    await input.press('Enter');
    await workbench.activeTab.filter({ hasText: FILE }).waitFor({ state: 'visible' });

    const problems = await workbench.openProblems();
    const marker = problems.locator('.monaco-list-row', { hasText: 'call_8f2KQd1rWmZt' }).first();
    await marker.waitFor({ state: 'visible' });
    await marker.click();
    // The row's light bulb ("Show fixes") appears once VS Code has asked the extension for fixes.
    const bulb = marker.locator('.action-label[aria-label^="Show fixes"]');
    await bulb.waitFor({ state: 'visible' });
    await bulb.click();
    const menu = workbench.page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible' });
    const entries = (await menu.locator('.action-item .action-label').allInnerTexts()).filter((entry) => entry.trim() !== '');
    assert.ok(entries.includes('Remap tool-call ids to 9 letters or digits (calls and results)'), entries.join(' | '));
    const fixAll = menu.locator('.action-item', { hasText: /^Fix all of this kind in the file/ }).first();
    await fixAll.hover();
    await fixAll.click();

    // Both lines rewritten in the editor, calls and results alike; the problems go.
    await waitFor(async () => {
      const text = (await workbench.activeEditorLines()).join('\n');
      return text.includes('"id":"KQd1rWmZt"') && text.includes('"tool_call_id":"1AbCdEfGh"') ? true : undefined;
    }, 'the fixed ids in the editor');
    await waitFor(async () => ((await problems.locator('.monaco-list-row', { hasText: 'call_' }).count()) === 0 ? true : undefined), 'the problems to go');
    await workbench.runCommand('File: Save');
    await waitFor(async () => (fs.readFileSync(file, 'utf8') === `${line('KQd1rWmZt')}\n${line('1AbCdEfGh')}\n` ? true : undefined), 'the saved file');
    await workbench.runCommand('View: Close All Editors');
    // Later tests get the room they had: the panel opened here is hidden again (Ctrl+J toggles it).
    if (await workbench.page.locator('.part.panel').isVisible()) {
      await workbench.page.keyboard.press('Control+J');
      await workbench.page.locator('.part.panel').waitFor({ state: 'hidden' });
    }
  });
});
