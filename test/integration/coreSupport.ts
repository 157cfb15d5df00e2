/** Helpers for the core suites (tree, API key, preview, settings): the extension's CoreDeps and settings with restore. */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { CoreDeps } from '../../src/extension/coreDeps';
import type { GroupNode, TreeNode } from '../../src/extension/views/treeItems';
import { EXTENSION_ID, env, eventually } from './fileCommandsSupport';

/** Activates the extension, makes sure the test key is stored, and returns its dependencies. */
export async function coreDeps(): Promise<CoreDeps> {
  const extension = vscode.extensions.getExtension<{ deps: CoreDeps }>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api?.deps, 'activate() must return { deps }');
  if ((await api.deps.keyStore.get()) !== env('MISTRAL_TEST_API_KEY')) {
    assert.equal(await vscode.commands.executeCommand('mistral.setApiKey', env('MISTRAL_TEST_API_KEY')), true);
  }
  return api.deps;
}

/** Sets `section.name` globally (as a person would in User settings); returns a function restoring the previous value. */
export async function withSetting(section: string, name: string, value: unknown): Promise<() => Promise<void>> {
  const previous = vscode.workspace.getConfiguration(section).inspect(name)?.globalValue;
  await applySetting(section, name, value);
  return () => applySetting(section, name, previous);
}

/** Updates and waits until this extension host sees the value (the change event has then been delivered too). */
async function applySetting(section: string, name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(section).update(name, value, vscode.ConfigurationTarget.Global);
  await eventually(`${section}.${name} to apply`, () =>
    JSON.stringify(vscode.workspace.getConfiguration(section).inspect(name)?.globalValue) === JSON.stringify(value));
}

/** A loopback port nothing listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The root groups after a full reload. */
export async function reloadedGroups(deps: CoreDeps): Promise<GroupNode[]> {
  await vscode.commands.executeCommand('mistral.refresh');
  return (await deps.tree.getChildren()) as GroupNode[];
}

export async function childrenOf(deps: CoreDeps, purpose: string): Promise<TreeNode[]> {
  const group = ((await deps.tree.getChildren()) as GroupNode[]).find((node) => node.purpose === purpose);
  assert.ok(group, `no ${purpose} group`);
  return deps.tree.getChildren(group);
}

export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}
