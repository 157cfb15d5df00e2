/**
 * Starts code-server on a loopback port for one sandbox and opens its workbench in Debian's Chromium
 * through playwright-core, with the extension under development (and optionally a tests module) loaded
 * the way VS Code's "Extension Development Host" loads them: through the `payload` URL parameter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath, type CodeServerInstall } from './codeServer';
import type { Sandbox } from './sandbox';

export interface RunningCodeServer {
  readonly url: string;
  readonly port: number;
  /** The last lines code-server printed, for diagnostics. */
  output(): string;
  close(): Promise<void>;
}

const READY_PATTERN = /HTTP server listening on (http:\/\/[^\s]+)/;

export async function startCodeServer(
  install: CodeServerInstall,
  sandbox: Sandbox,
  options: { env?: NodeJS.ProcessEnv; port?: number; startTimeoutMs?: number } = {},
): Promise<RunningCodeServer> {
  const configFile = path.join(sandbox.root, 'code-server.yaml');
  // An explicit config keeps code-server from writing ~/.config/code-server/config.yaml.
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const args = [
    install.entryScript,
    '--config',
    configFile,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    sandbox.userDataDir,
    '--extensions-dir',
    sandbox.extensionsDir,
    sandbox.workspaceDir,
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ...options.env,
      XDG_DATA_HOME: path.join(sandbox.root, 'xdg-data'),
      // A gallery without a service URL turns extension gallery look-ups (open-vsx.org) off.
      EXTENSIONS_GALLERY: '{}',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('code-server did not start listening in time.')), options.startTimeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      const match = READY_PATTERN.exec(chunk.toString('utf8'));
      if (match) finish(() => resolve(match[1].replace(/\/$/, '')));
    };
    const onExit = (code: number | null) => fail(new Error(`code-server exited (code ${code}) before it was ready.`));
    function finish(action: () => void) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      action();
    }
    function fail(error: Error) {
      finish(() => reject(new Error(`${error.message}\n--- code-server output ---\n${lines.join('\n')}`)));
      child.kill('SIGKILL');
    }
    child.stdout.on('data', onData);
    child.on('exit', onExit);
  });

  return {
    url,
    port: Number(new URL(url).port),
    output: () => lines.join('\n'),
    close: () => stopProcess(child),
  };
}

export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface WorkbenchTarget {
  readonly codeServerUrl: string;
  readonly workspaceDir: string;
  readonly extensionDevelopmentPath?: string;
  readonly extensionTestsPath?: string;
}

/** The workbench URL; paths are absolute paths on this machine, seen by the remote extension host. */
export function workbenchUrl(target: WorkbenchTarget): string {
  const authority = new URL(target.codeServerUrl).host;
  const remote = (absolutePath: string) => `vscode-remote://${authority}${absolutePath}`;
  const payload: [string, string][] = [];
  if (target.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(target.extensionDevelopmentPath)]);
  if (target.extensionTestsPath) payload.push(['extensionTestsPath', remote(target.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: target.workspaceDir });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${target.codeServerUrl}/?${query.toString()}`;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Keeps Chromium from writing crash reports to ~/.config/chromium.
  '--disable-crash-reporter',
  '--disable-breakpad',
];

export interface OpenWorkbench {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function openWorkbench(
  url: string,
  options: { headless?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<OpenWorkbench> {
  // playwright-core gives every launch a fresh temporary browser profile.
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: options.headless ?? true, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1400, height: 860 },
      colorScheme: 'dark',
      // Clipboard commands (copy signed URL, copy id) must work without a permission prompt.
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    return {
      browser,
      context,
      page,
      close: async () => {
        await browser.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
}
