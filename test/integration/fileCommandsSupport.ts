/**
 * Helpers for the file-command suites (upload, validate, live validation, download, delete, signed URL):
 * the extension's internals, the emulator over HTTP, fault injection and polling.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MistralFile } from '../../src/api/files/types';
import type { MistralFilesExtensionApi } from '../../src/extension/extension';
import type { Deps } from '../../src/extension/deps';
import type { FilesTreeView } from '../../src/extension/files/tree/filesTreeView';
import type { PreviewFileSystemProvider } from '../../src/extension/files/preview/previewFileSystem';
import type { FilterState } from '../../src/extension/files/tree/filterState';

export const EXTENSION_ID = 'mistral-files.mistral-files';

export function env(name: 'MISTRAL_TEST_BASE_URL' | 'MISTRAL_TEST_API_KEY' | 'MISTRAL_TEST_WORKSPACE' | 'MISTRAL_TEST_EMULATOR_DATA'): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set for the extension host`);
  return value;
}

/** The extension's one `Deps`, and the concrete views behind its interfaces that tests inspect. */
export interface ExtensionHandles extends Deps {
  readonly tree: FilesTreeView;
  readonly preview: PreviewFileSystemProvider;
  readonly filter: FilterState;
}

/** The one activation helper: activates the extension, makes sure the test key is stored, and returns its handles. */
export async function activateWithKey(): Promise<ExtensionHandles> {
  const extension = vscode.extensions.getExtension<MistralFilesExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api?.deps, 'activate() must return { deps }');
  if ((await api.deps.keyStore.get()) !== env('MISTRAL_TEST_API_KEY')) {
    assert.equal(await vscode.commands.executeCommand('mistral.setApiKey', env('MISTRAL_TEST_API_KEY')), true);
  }
  return { ...api.deps, tree: api.filesView, preview: api.previews, filter: api.filesView.filter };
}

/** A Files-view file node, as VS Code passes it to a context-menu command. */
export function fileNode(file: MistralFile): { kind: 'file'; purpose: string; file: MistralFile } {
  return { kind: 'file', purpose: file.purpose, file };
}

let folderCounter = 0;
/** A fresh folder inside the test workspace, so suites never see each other's files. */
export function freshFolder(label: string): string {
  const dir = path.join(env('MISTRAL_TEST_WORKSPACE'), `${label}-${process.pid}-${Date.now()}-${folderCounter++}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Unique content per call: the service answers an upload of identical name and bytes with the existing file. */
export function uniqueTag(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function instructLine(user: string, assistant: string): string {
  return JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });
}

export function batchLine(customId: string, prompt: string): string {
  return JSON.stringify({ custom_id: customId, body: { max_tokens: 16, messages: [{ role: 'user', content: prompt }] } });
}

export function writeFile(dir: string, name: string, content: string | Buffer): vscode.Uri {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return vscode.Uri.file(file);
}

export async function api(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${env('MISTRAL_TEST_API_KEY')}`);
  return fetch(`${env('MISTRAL_TEST_BASE_URL')}${pathAndQuery}`, { ...init, headers });
}

/** The emulator's view of a file: its metadata, or undefined when it is gone (404). */
export async function remoteFile(id: string): Promise<MistralFile | undefined> {
  const response = await api(`/v1/files/${encodeURIComponent(id)}`);
  if (response.status === 404) return undefined;
  assert.equal(response.status, 200, `GET /v1/files/${id}: ${response.status}`);
  return (await response.json()) as MistralFile;
}

export async function remoteContent(id: string): Promise<Buffer> {
  const response = await api(`/v1/files/${encodeURIComponent(id)}/content`);
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

/** Lists files with this exact name (newest first). */
export async function remoteFilesNamed(filename: string): Promise<MistralFile[]> {
  const response = await api(`/v1/files?page_size=1000&search=${encodeURIComponent(filename)}`);
  assert.equal(response.status, 200);
  const list = (await response.json()) as { data: MistralFile[] };
  return list.data.filter((file) => file.filename === filename);
}

/** Uploads straight to the emulator (not through the extension), for download/delete/URL fixtures. */
export async function seedRemoteFile(filename: string, content: string | Buffer, purpose = 'fine-tune'): Promise<MistralFile> {
  const form = new FormData();
  form.append('purpose', purpose);
  form.append('file', new Blob([content]), filename);
  const response = await api('/v1/files', { method: 'POST', body: form });
  assert.equal(response.status, 200, `seed upload of ${filename}: ${response.status} ${await response.clone().text()}`);
  return (await response.json()) as MistralFile;
}

import type { FaultRule } from '../emulator/faults';
import type { LoggedRequest } from '../emulator/requestLog';
export type { FaultRule, LoggedRequest };

export async function addFault(rule: FaultRule): Promise<void> {
  const response = await api('/_emulator/faults', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  assert.equal(response.status, 200, `fault not accepted: ${await response.text()}`);
}

export async function clearFaults(): Promise<void> {
  const response = await api('/_emulator/faults', { method: 'DELETE' });
  assert.equal(response.status, 200);
}

async function requestsAfter(seq: number): Promise<{ data: LoggedRequest[]; lastSeq: number }> {
  const response = await api(`/_emulator/requests?after=${seq}`);
  assert.equal(response.status, 200, `GET /_emulator/requests: ${response.status}`);
  return (await response.json()) as { data: LoggedRequest[]; lastSeq: number };
}

/**
 * Runs `action` and returns the API requests the emulator received meanwhile. The extension polls in the background
 * (the Files and Batch views), so callers pick out the route they care about with `requestsTo` rather than count.
 */
export async function requestsDuring<T>(action: () => Thenable<T>): Promise<{ result: T; requests: LoggedRequest[] }> {
  const { lastSeq } = await requestsAfter(Number.MAX_SAFE_INTEGER);
  const result = await action();
  return { result, requests: (await requestsAfter(lastSeq)).data };
}

/** The requests with this method whose path matches `path` (anchor it: `^/v1/files/[^/]+/url$`). */
export function requestsTo(requests: readonly LoggedRequest[], method: string, path: RegExp): LoggedRequest[] {
  return requests.filter((request) => request.method === method && path.test(request.path));
}

/**
 * Runs a command that must not ask anything. One that shows a QuickPick or an input box would wait for an answer no
 * test gives, so it is failed after `seconds` (and its prompt closed, so later tests start clean); VS Code refuses
 * modal dialogs in an extension test host with an error, which is reported as the command having asked too.
 */
export async function withoutAsking<T>(running: Thenable<T>, seconds = 5): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const asked = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the command asked (it did not settle within ${seconds} s)`)), seconds * 1000);
  });
  const settled = Promise.resolve(running).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    throw /refused to show dialog/i.test(message) ? new Error(`the command asked (a modal dialog: ${message})`) : err;
  });
  try {
    return await Promise.race([settled, asked]);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('the command asked (it did not settle')) {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `check` returns a value other than undefined/false; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Mistral diagnostics for a uri, as [line, startChar, endLine, endChar, code] (0-based, VS Code's Range). */
export function mistralDiagnostics(uri: vscode.Uri): Array<{ range: [number, number, number, number]; code: string; severity: vscode.DiagnosticSeverity; message: string }> {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'Mistral')
    .map((d) => ({
      range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
      code: String(typeof d.code === 'object' ? d.code.value : d.code),
      severity: d.severity,
      message: d.message,
    }));
}

/** Sets `section.name` globally (as a person would in User settings) and waits until this extension host sees it. */
export async function applySetting(section: string, name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(section).update(name, value, vscode.ConfigurationTarget.Global);
  await eventually(`${section}.${name} to apply`, () =>
    JSON.stringify(vscode.workspace.getConfiguration(section).inspect(name)?.globalValue) === JSON.stringify(value));
}

/** Sets a `mistral.*` setting and waits for it to apply; returns a function restoring the previous value. */
export async function withSetting(section: string, name: string, value: unknown): Promise<() => Promise<void>> {
  const previous = vscode.workspace.getConfiguration(section).inspect(name)?.globalValue;
  await applySetting(section, name, value);
  return () => applySetting(section, name, previous);
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await applySetting('mistral', key, value);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Accepts the pre-selected item of each QuickPick the running command shows, until the command settles: the
 * same Enter a person would press. Polls because no API says when a QuickPick has opened.
 */
export async function acceptQuickPicksUntilDone<T>(running: Thenable<T>, timeoutMs = 30_000): Promise<T> {
  let settled = false;
  const result = Promise.resolve(running).finally(() => {
    settled = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!settled && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return result;
}
