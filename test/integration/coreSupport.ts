/** Helpers for the tree, API key, preview and settings suites. */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { GroupNode, TreeNode } from '../../src/extension/files/tree/treeItems';
import type { ExtensionHandles } from './fileCommandsSupport';

/** A loopback port nothing listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The root groups after a full reload. */
export async function reloadedGroups(deps: ExtensionHandles): Promise<GroupNode[]> {
  await vscode.commands.executeCommand('mistral.refresh');
  return (await deps.tree.getChildren()) as GroupNode[];
}

export async function childrenOf(deps: ExtensionHandles, purpose: string): Promise<TreeNode[]> {
  const group = ((await deps.tree.getChildren()) as GroupNode[]).find((node) => node.purpose === purpose);
  assert.ok(group, `no ${purpose} group`);
  return deps.tree.getChildren(group);
}

export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}
