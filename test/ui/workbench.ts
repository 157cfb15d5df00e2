/**
 * What a person does in the VS Code workbench, in Playwright terms: run a command from the palette,
 * answer an input box or a quick pick, open a view container, find tree rows, use context menus.
 * Selectors are VS Code 1.99's accessible roles and stable class names.
 */
import type { Locator, Page } from 'playwright-core';

const QUICK_INPUT = '.quick-input-widget';

export class Workbench {
  constructor(readonly page: Page) {}

  async waitUntilReady(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: timeoutMs });
  }

  get quickInput(): Locator {
    return this.page.locator(QUICK_INPUT);
  }

  /** Opens the command palette and runs a command by its title, e.g. "Mistral: Set API Key". */
  async runCommand(title: string): Promise<void> {
    const input = this.quickInput.locator('.quick-input-box input');
    const row = this.quickInput.locator('.monaco-list-row', { hasText: title }).first();
    // The palette now and then opens with a command list from before the last context change and offers "similar
    // commands" instead, or closes at once when a webview that just opened (a Markdown preview) takes the focus:
    // opened again, it lists the command. A command really missing fails all three tries.
    for (let attempt = 1; ; attempt++) {
      const patience = attempt < 3 ? 5000 : 30_000;
      try {
        await this.dismissQuickInput();
        await this.page.keyboard.press('F1');
        try {
          await input.waitFor({ state: 'visible', timeout: 3000 });
        } catch {
          // Focus inside a webview can swallow F1: give the workbench focus, press again.
          await this.page.locator('.part.titlebar').click();
          await this.page.keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: patience });
        }
        await input.fill(`>${title}`, { timeout: patience });
        await row.waitFor({ state: 'visible', timeout: patience });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
    await row.click();
  }

  async dismissQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden' });
    }
  }

  /** Types into the open input box (VS Code's showInputBox) and accepts it. Returns the input's type attribute. */
  async answerInputBox(text: string): Promise<string | null> {
    const input = this.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    const type = await input.getAttribute('type');
    await input.fill(text);
    await input.press('Enter');
    return type;
  }

  /** Picks the quick pick row whose label is exactly `label` (its description aside). */
  async pickQuickItem(label: string): Promise<void> {
    const row = this.treeRow(this.quickInput.locator('.quick-input-list'), label).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  async quickPickLabels(): Promise<string[]> {
    await this.quickInput.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
    return this.quickInput.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  }

  /** Clicks a view container in the activity bar, e.g. "Mistral" or "Explorer". */
  async openViewContainer(name: string): Promise<void> {
    const item = this.page.locator('.activitybar .action-item[role="tab"]', { has: this.page.locator(`a.action-label[aria-label^="${name}"]`) }).first();
    const title = this.sidebar.locator('.composite.title h2', { hasText: new RegExp(`^${escapeRegExp(name)}`, 'i') });
    // The extension may reveal its own view at any moment (after an upload): clicking the container that is
    // already open would close the side bar, so check right before each click and retry once if it raced.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await title.isVisible()) return;
      await item.click();
      try {
        await title.waitFor({ state: 'visible', timeout: 3000 });
        return;
      } catch {
        // Raced with a reveal: look again.
      }
    }
    await title.waitFor({ state: 'visible' });
  }

  get sidebar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  /** The pane of a view inside the side bar, by its title ("Files"). */
  viewPane(title: string): Locator {
    return this.sidebar.locator('.pane', { has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }) });
  }

  /** A tree row whose label is exactly `label` (descriptions and badges aside). */
  treeRow(container: Locator, label: string): Locator {
    return container.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
  }

  async treeLabels(container: Locator): Promise<string[]> {
    return container.locator('.monaco-list-row .label-name').allInnerTexts();
  }

  async expandRow(row: Locator): Promise<void> {
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
    await waitForAttribute(row, 'aria-expanded', 'true');
  }

  explorerRow(filename: string): Locator {
    return this.treeRow(this.page.locator('.explorer-folders-view'), filename);
  }

  /** The Explorer row of a file the test just wrote: refreshes the Explorer until the file is listed. */
  async newExplorerRow(filename: string): Promise<Locator> {
    await this.openViewContainer('Explorer');
    const row = this.explorerRow(filename);
    await waitFor(async () => {
      if (await row.isVisible()) return true;
      await this.runCommand('Refresh Explorer');
      return (await row.isVisible()) ? true : undefined;
    }, `${filename} in the Explorer`);
    return row;
  }

  /** Right-clicks `target` and chooses a context menu entry by its label. */
  async contextMenu(target: Locator, entry: string): Promise<void> {
    await target.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    const item = menu.locator('.action-item', { hasText: new RegExp(`^${escapeRegExp(entry)}`) }).first();
    await item.waitFor({ state: 'visible' });
    await item.hover();
    await item.click();
    // The menu ignores a click that lands while it is still opening; the hovered entry is focused, so Enter runs it.
    try {
      await menu.waitFor({ state: 'hidden', timeout: 2000 });
    } catch {
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden' });
    }
  }

  async contextMenuEntries(target: Locator): Promise<string[]> {
    await target.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible' });
    const entries = await menu.locator('.action-item .action-label').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return entries.filter((entry) => entry.trim() !== '');
  }

  async clearNotifications(): Promise<void> {
    if ((await this.page.locator('.notifications-toasts .notification-toast').count()) === 0) return;
    if (await this.quickInput.isVisible()) {
      // The palette would close the open picker: each toast's own Clear button instead.
      const toasts = this.page.locator('.notifications-toasts .notification-toast');
      while ((await toasts.count()) > 0) {
        // The button shows while the pointer is over its toast.
        await toasts.first().hover();
        await toasts.first().locator('.codicon-notifications-clear').click();
      }
      return;
    }
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
  }

  /** Drags the sash between the side bar and the editor so the side bar is `width` pixels wide. */
  async resizeSidebar(width: number): Promise<void> {
    const box = await this.sidebar.boundingBox();
    if (!box) throw new Error('The side bar is not visible.');
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
  }

  /** The visible text of notifications (toasts) currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  /** Opens the Problems panel the way a person does: the errors and warnings count in the status bar. */
  async openProblems(): Promise<Locator> {
    const panel = this.page.locator('.part.panel .markers-panel');
    if (!(await panel.isVisible())) await this.page.locator('.statusbar-item[id="status.problems"] a').first().click();
    await panel.waitFor({ state: 'visible' });
    return panel;
  }

  get activeTab(): Locator {
    return this.page.locator('.editor-group-container.active .tab.active');
  }

  /** The text lines of the active editor as rendered (only the lines in view). */
  async activeEditorLines(): Promise<string[]> {
    const lines = await this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').allInnerTexts();
    // The editor renders spaces as non-breaking spaces.
    return lines.map((line) => line.replace(/\u00a0/g, ' '));
  }
}

/** Polls `probe` every 250 ms until it returns something other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function waitForAttribute(locator: Locator, name: string, value: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await locator.getAttribute(name)) !== value) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${name}="${value}".`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
