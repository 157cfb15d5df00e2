import * as vscode from 'vscode';
import type { Settings } from '../deps';

const SECTION = 'mistral';

/** Keys whose change means the API client must be rebuilt (VS Code's own proxy settings included). */
export const CONNECTION_SETTINGS = ['mistral.baseUrl', 'mistral.requestTimeoutSeconds', 'http.proxy', 'http.proxyStrictSSL'] as const;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Reads `mistral.*` fresh on every access, so a change in the Settings editor applies to the next action. */
export class VsCodeSettings implements Settings {
  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get baseUrl(): string {
    const value = this.config.get<string>('baseUrl', 'https://api.mistral.ai').trim();
    return value === '' ? 'https://api.mistral.ai' : value;
  }

  get pageSize(): number {
    const value = this.config.get<number>('pageSize', 100);
    return Number.isFinite(value) ? clamp(Math.floor(value), 1, 1000) : 100;
  }

  get validationBeforeUpload(): 'block' | 'warn' | 'off' {
    const value = this.config.get<string>('validation.beforeUpload', 'block');
    return value === 'warn' || value === 'off' ? value : 'block';
  }

  get liveValidation(): boolean {
    return this.config.get<boolean>('validation.live', true) !== false;
  }

  get maxProblems(): number {
    const value = this.config.get<number>('validation.maxProblems', 1000);
    return Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1000;
  }

  get previewMaxSizeMB(): number {
    const value = this.config.get<number>('preview.maxSizeMB', 50);
    return Number.isFinite(value) && value >= 0 ? value : 50;
  }

  get defaultSignedUrlExpiryHours(): number {
    const value = this.config.get<number>('signedUrl.defaultExpiryHours', 24);
    return Number.isFinite(value) ? clamp(Math.round(value), 1, 168) : 24;
  }

  get revealAfterUpload(): 'always' | 'whenVisible' | 'never' {
    const value = this.config.get<string>('upload.revealInFilesView', 'whenVisible');
    return value === 'always' || value === 'never' ? value : 'whenVisible';
  }

  get defaultVisibility(): 'workspace' | 'user' {
    return this.config.get<string>('upload.defaultVisibility', 'workspace') === 'user' ? 'user' : 'workspace';
  }
}

/** How the client reaches the service: our base URL plus VS Code's proxy settings. */
export interface ConnectionSettings {
  baseUrl: string;
  /** VS Code's `http.proxy`; undefined lets the client fall back to HTTPS_PROXY/HTTP_PROXY/NO_PROXY. */
  proxy: string | undefined;
  strictSSL: boolean;
  /** A JSON call's overall deadline, and how long a transfer may make no progress. */
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_SECONDS = 120;

export function readConnectionSettings(settings: Settings): ConnectionSettings {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<string>('proxy', '').trim();
  return {
    baseUrl: settings.baseUrl,
    proxy: proxy === '' ? undefined : proxy,
    strictSSL: http.get<boolean>('proxyStrictSSL', true) !== false,
    timeoutMs: timeoutSeconds(vscode.workspace.getConfiguration(SECTION).get<number>('requestTimeoutSeconds', DEFAULT_TIMEOUT_SECONDS)) * 1000,
  };
}

function timeoutSeconds(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? clamp(Math.floor(value), 5, 3600) : DEFAULT_TIMEOUT_SECONDS;
}
