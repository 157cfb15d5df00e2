import type * as vscode from 'vscode';
import type { FilesApi } from '../api/filesApi';
import type { MistralFile, FilePurpose } from '../api/types';

/** Reads the API key from SecretStorage and says when it changes (in this window or another one). */
export interface ApiKeyStore {
  get(): Promise<string | undefined>;
  /** Stores the key (SecretStorage only). */
  set(key: string): Promise<void>;
  clear(): Promise<void>;
  readonly onDidChange: vscode.Event<void>;
}

/** The extension's settings, read fresh on each access (see package.json `contributes.configuration`). */
export interface Settings {
  readonly baseUrl: string;
  readonly pageSize: number;
  readonly validationBeforeUpload: 'block' | 'warn' | 'off';
  readonly liveValidation: boolean;
  readonly maxProblems: number;
  readonly previewMaxSizeMB: number;
  readonly defaultSignedUrlExpiryHours: number;
  readonly defaultVisibility: 'workspace' | 'user';
}

/** What commands may ask of the Files tree. */
export interface FilesTree {
  /** Reloads one purpose group, or everything. */
  refresh(purpose?: FilePurpose): void;
  /** Shows and selects a file's node, loading its group first. */
  reveal(file: MistralFile): Promise<void>;
  /** Files currently selected in the view. */
  selectedFiles(): MistralFile[];
}

/** Everything a command needs; built once in activate(). */
export interface ExtensionDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly client: FilesApi;
  readonly keyStore: ApiKeyStore;
  readonly settings: Settings;
  readonly tree: FilesTree;
  /** Problems from "Validate JSONL" and pre-upload validation (live validation has its own collection). */
  readonly diagnostics: vscode.DiagnosticCollection;
}

/**
 * The shape tree-item commands receive: VS Code passes (clicked, selected[]) for a multi-select view.
 * Commands also accept file ids or MistralFile objects so other extensions and tests can drive them.
 */
export type FileArg = MistralFile | { file: MistralFile } | string;
