/**
 * Desktop VS Code as the test host, through @vscode/test-electron: the executable named by
 * VSCODE_EXECUTABLE, or (MISTRAL_TEST_HOST=electron) a build it downloads, which needs internet and,
 * on Linux, a display.
 */
import { runTests } from '@vscode/test-electron';
import type { TestEnvironment } from './session';

export interface DesktopRunOptions {
  readonly environment: TestEnvironment;
  readonly extensionDevelopmentPath: string;
  readonly extensionTestsPath: string;
}

/** Resolves with VS Code's exit code once it has closed. */
export async function runInDesktopVsCode(options: DesktopRunOptions): Promise<number> {
  const { sandbox, env } = options.environment;
  try {
    return await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
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
