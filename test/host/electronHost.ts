/**
 * Desktop VS Code as the test host, through @vscode/test-electron: the executable named by
 * VSCODE_EXECUTABLE, or a build it downloads, which needs internet and, on Linux, a display.
 */
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { cacheRoot, PrerequisiteError } from './codeServer';
import type { TestEnvironment } from './session';

function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/**
 * The desktop VS Code to test in, or undefined to use code-server: VSCODE_EXECUTABLE when set; otherwise
 * (MISTRAL_TEST_HOST unset or "electron", and a display to show it on) a stable build downloaded into
 * the test cache. MISTRAL_TEST_HOST=code-server skips the desktop entirely.
 */
export async function resolveDesktopVsCode(log: (line: string) => void): Promise<string | undefined> {
  const explicit = process.env.VSCODE_EXECUTABLE;
  if (explicit) return explicit;
  const host = process.env.MISTRAL_TEST_HOST ?? 'auto';
  if (host === 'code-server') return undefined;
  if (host !== 'electron' && !hasDisplay()) return undefined;
  try {
    return await downloadAndUnzipVSCode({ version: 'stable', cachePath: path.join(cacheRoot(), 'vscode-desktop'), timeout: 15_000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (host === 'electron') throw new PrerequisiteError(`MISTRAL_TEST_HOST=electron, but desktop VS Code could not be downloaded: ${reason}`);
    log(`Desktop VS Code is not available (${reason}); using code-server.`);
    return undefined;
  }
}

export interface DesktopRunOptions {
  readonly executable: string;
  readonly environment: TestEnvironment;
  readonly extensionDevelopmentPath: string;
  readonly extensionTestsPath: string;
}

/** Resolves with VS Code's exit code once it has closed. */
export async function runInDesktopVsCode(options: DesktopRunOptions): Promise<number> {
  const { sandbox, env } = options.environment;
  try {
    return await runTests({
      vscodeExecutablePath: options.executable,
      extensionDevelopmentPath: options.extensionDevelopmentPath,
      extensionTestsPath: options.extensionTestsPath,
      extensionTestsEnv: { ...env },
      launchArgs: [
        sandbox.workspaceDir,
        '--user-data-dir',
        sandbox.userDataDir,
        '--extensions-dir',
        sandbox.extensionsDir,
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-telemetry',
      ],
    });
  } catch (error) {
    // runTests rejects on a non-zero exit; the report already tells which tests failed.
    if (error instanceof Error && /^Test run failed with code (\d+)/.test(error.message)) return Number(/code (\d+)/.exec(error.message)?.[1]);
    throw error;
  }
}
