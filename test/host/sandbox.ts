/**
 * A throwaway VS Code profile and workspace for one run: fresh user-data dir with quiet settings,
 * an empty extensions dir, and a workspace holding the sample files the suites and UI tests use.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onePagePdf, reportPdf } from '../emulator/seedContent';

export interface Sandbox {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspaceDir: string;
  readonly emulatorDataDir: string;
  remove(): void;
}


/** The settings a person would reach for to make a test workbench quiet and deterministic. */
export function quietSettings(baseUrl: string): Record<string, unknown> {
  return {
    'security.workspace.trust.enabled': false,
    'security.workspace.trust.startupPrompt': 'never',
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'update.showReleaseNotes': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'extensions.showRecommendationsOnlyOnDemand': true,
    'npm.fetchOnlinePackageInfo': false,
    'git.enabled': false,
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    'files.hotExit': 'off',
    // As on the desktop: the browser's VS Code saves a second after each edit, so no editor would stay unsaved.
    'files.autoSave': 'off',
    'editor.minimap.enabled': false,
    'mistral.baseUrl': baseUrl,
  };
}

export const SAMPLE_FILES = {
  fineTune: 'train.jsonl',
  invalidFineTune: 'broken.jsonl',
  batch: 'batch-requests.jsonl',
  pdf: 'invoice.pdf',
  report: 'quarterly-report.pdf',
} as const;

const FINE_TUNE_LINES = [
  { messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'Paris.' }] },
  { messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: '2 + 2?' }, { role: 'assistant', content: '4' }] },
  { messages: [{ role: 'user', content: 'Translate "chat" to English.' }, { role: 'assistant', content: 'Cat.' }] },
];

// Line 2 is not JSON, line 3 has no assistant turn: two distinct problems a validator must report.
const BROKEN_LINES = [
  JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }, { role: 'assistant', content: 'Hi!' }] }),
  '{"messages": [{"role": "user", "content": "unterminated"}',
  JSON.stringify({ messages: [{ role: 'user', content: 'Nobody answers this one.' }] }),
];

const BATCH_LINES = [
  { custom_id: 'req-1', body: { max_tokens: 64, messages: [{ role: 'user', content: 'Summarise: the cat sat on the mat.' }] } },
  { custom_id: 'req-2', body: { max_tokens: 64, messages: [{ role: 'user', content: 'Name three primary colours.' }] } },
];

/** A one-page PDF with correct xref offsets, small enough to read in a hex dump. */
export function minimalPdf(text: string): Buffer {
  return onePagePdf(`BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`);
}

export function writeSampleWorkspace(workspaceDir: string): void {
  fs.mkdirSync(workspaceDir, { recursive: true });
  const toJsonl = (lines: readonly unknown[]) => lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
  fs.writeFileSync(path.join(workspaceDir, SAMPLE_FILES.fineTune), toJsonl(FINE_TUNE_LINES));
  fs.writeFileSync(path.join(workspaceDir, SAMPLE_FILES.invalidFineTune), BROKEN_LINES.join('\n') + '\n');
  fs.writeFileSync(path.join(workspaceDir, SAMPLE_FILES.batch), toJsonl(BATCH_LINES));
  fs.writeFileSync(path.join(workspaceDir, SAMPLE_FILES.pdf), minimalPdf('Invoice 42'));
  fs.writeFileSync(path.join(workspaceDir, SAMPLE_FILES.report), reportPdf());
}

/** Writes `UD/User/settings.json`; called once the emulator's URL is known. */
export function writeUserSettings(userDataDir: string, baseUrl: string, extraSettings: Record<string, unknown> = {}): void {
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietSettings(baseUrl), ...extraSettings }, null, 2));
}

/** `label` prefixes the temp folder's name, to tell runs apart in /tmp. */
export function createSandbox(label = 'mistral-files-test'): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const workspaceDir = path.join(root, 'workspace');
  const emulatorDataDir = path.join(root, 'emulator-data');
  for (const dir of [userDataDir, extensionsDir, emulatorDataDir]) fs.mkdirSync(dir, { recursive: true });
  writeSampleWorkspace(workspaceDir);
  return {
    root,
    userDataDir,
    extensionsDir,
    workspaceDir,
    emulatorDataDir,
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
