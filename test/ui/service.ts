/**
 * What the UI tests look up or arrange behind the workbench: the files the emulator holds, its fault rules, and the
 * workspace settings file a person would edit. The workbench itself is only ever driven through the screen.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { uiContext } from './context';

export interface RemoteFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number | null;
}

async function emulatorCall(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  const { session } = uiContext();
  return fetch(`${session.emulator.url}${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${session.apiKey}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  });
}

/** The files on the service whose name is exactly `filename` (the service's search matches parts of names). */
export async function remoteFilesNamed(filename: string, purpose?: string): Promise<RemoteFile[]> {
  const query = new URLSearchParams({ search: filename, page_size: '1000' });
  if (purpose) query.set('purpose', purpose);
  const response = await emulatorCall(`/v1/files?${query.toString()}`);
  assert.equal(response.status, 200);
  const page = (await response.json()) as { data: RemoteFile[] };
  return page.data.filter((file) => file.filename === filename);
}

export async function remoteContent(id: string): Promise<string> {
  const response = await emulatorCall(`/v1/files/${encodeURIComponent(id)}/content`);
  assert.equal(response.status, 200);
  return response.text();
}

/** Adds an emulator fault rule (see test/emulator/faults.ts), e.g. a 503 for every list call. */
export async function addFault(rule: Record<string, unknown>): Promise<void> {
  const response = await emulatorCall('/_emulator/faults', { method: 'POST', body: JSON.stringify(rule) });
  assert.equal(response.status, 200, await response.text());
}

export async function clearFaults(): Promise<void> {
  const response = await emulatorCall('/_emulator/faults', { method: 'DELETE' });
  assert.equal(response.status, 200, await response.text());
}

/** Writes the workspace's .vscode/settings.json, as a person editing it would; `{}` puts every setting back. */
export function writeWorkspaceSettings(settings: Record<string, unknown>): void {
  const dir = path.join(uiContext().session.sandbox.workspaceDir, '.vscode');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/** Writes a file into the workspace folder the workbench has open; returns its absolute path. */
export function writeWorkspaceFile(name: string, content: string | Buffer): string {
  const file = path.join(uiContext().session.sandbox.workspaceDir, name);
  fs.writeFileSync(file, content);
  return file;
}
