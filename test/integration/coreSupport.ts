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

/** A row as VS Code draws it from the provider's `TreeItem`: what a person sees and what its click and menus get. */
export interface Row {
  /** 0 for a root row, 1 for a row inside an expanded root row, … */
  depth: number;
  id: string | undefined;
  label: string;
  /** The label's highlighted ranges (a filter match), when there are any. */
  highlights?: Array<[number, number]>;
  description: string | undefined;
  /** Plain text, or the Markdown source of a rich tooltip. */
  tooltip: string | undefined;
  contextValue: string | undefined;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** The codicon id of a ThemeIcon, and its colour id when it has one. */
  icon: string | undefined;
  iconColor: string | undefined;
  /** What a click runs. */
  command: { command: string; arguments: unknown[] } | undefined;
}

const COLLAPSIBLE: Record<vscode.TreeItemCollapsibleState, Row['collapsible']> = {
  [vscode.TreeItemCollapsibleState.None]: 'none',
  [vscode.TreeItemCollapsibleState.Collapsed]: 'collapsed',
  [vscode.TreeItemCollapsibleState.Expanded]: 'expanded',
};

export function rowOf(item: vscode.TreeItem, depth = 0): Row {
  const label = typeof item.label === 'string' ? { label: item.label, highlights: undefined } : item.label;
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
  return {
    depth,
    id: item.id,
    label: label?.label ?? '',
    ...(label?.highlights?.length ? { highlights: label.highlights } : {}),
    description: typeof item.description === 'boolean' ? undefined : item.description,
    tooltip,
    contextValue: item.contextValue,
    collapsible: COLLAPSIBLE[item.collapsibleState ?? vscode.TreeItemCollapsibleState.None],
    icon: icon?.id,
    // ThemeColor keeps its id in a field the typings do not declare.
    iconColor: (icon?.color as { id?: string } | undefined)?.id,
    command: item.command && { command: item.command.command, arguments: item.command.arguments ?? [] },
  };
}

/**
 * The rows a view shows below `parent` (the whole view without it), top to bottom: each element's `TreeItem` as VS Code
 * asks for it, and the rows inside every row that opens expanded. Tests read these, not the provider's data, so a
 * row whose rendering breaks (a description dropped, a wrong icon or command) fails them.
 */
export async function rowsOf<T>(provider: vscode.TreeDataProvider<T>, parent?: T, depth = 0): Promise<Row[]> {
  const rows: Row[] = [];
  for (const element of (await provider.getChildren(parent)) ?? []) {
    const item = await provider.getTreeItem(element);
    rows.push(rowOf(item, depth));
    if (item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded) rows.push(...(await rowsOf(provider, element, depth + 1)));
  }
  return rows;
}

/** The rows a person sees on opening the root row labelled `label` (whether or not it opens by itself). */
export async function rowsUnder<T>(provider: vscode.TreeDataProvider<T>, label: string): Promise<Row[]> {
  for (const element of (await provider.getChildren()) ?? []) {
    if (rowOf(await provider.getTreeItem(element)).label === label) return rowsOf(provider, element, 1);
  }
  assert.fail(`no root row labelled "${label}"`);
}

/** The root rows only. */
export async function rootRows<T>(provider: vscode.TreeDataProvider<T>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const element of (await provider.getChildren()) ?? []) rows.push(rowOf(await provider.getTreeItem(element)));
  return rows;
}
