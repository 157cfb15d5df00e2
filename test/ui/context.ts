/** What the UI runner (test/host/runUi.ts) hands the UI tests: the open workbench and the host session. */
import type { HostSession } from '../host/session';
import type { Workbench } from './workbench';

export interface UiContext {
  readonly workbench: Workbench;
  readonly session: HostSession;
  /** Where the README screenshots are written: media/ with UPDATE_SCREENSHOTS=1, a temp folder otherwise. */
  readonly screenshotDir: string;
}

let current: UiContext | undefined;

export function setUiContext(context: UiContext | undefined): void {
  current = context;
}

export function uiContext(): UiContext {
  if (!current) throw new Error('The UI tests run through `npm run test:ui`, which opens the workbench first.');
  return current;
}
