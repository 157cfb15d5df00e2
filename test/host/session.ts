/**
 * One test-host session: a sandbox (fresh profile + sample workspace), the Files API emulator on
 * loopback with a fresh data dir and a random key, user settings pointing the extension at it, and
 * code-server started with the environment the suites read.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { DEMO_KEY_VARIABLE } from '../../src/extension/shared/demoKey';
import { startEmulator, type RunningEmulator } from '../emulator/server';
import { ensureCodeServer, checkPrerequisites } from './codeServer';
import { startCodeServer, workbenchUrl, type RunningCodeServer } from './launch';
import { TEST_ENV } from './reportProtocol';
import { createSandbox, writeUserSettings, type Sandbox } from './sandbox';

/** The repository root, seen from out/test/host/. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface HostSession extends TestEnvironment {
  readonly codeServer: RunningCodeServer;
  /** The workbench URL with the extension under development (and the tests module, when given). */
  readonly url: string;
}

export interface HostSessionOptions {
  readonly label: string;
  readonly seed?: 'demo';
  readonly extensionTestsPath?: string;
  readonly extraEnv?: Record<string, string>;
  readonly codeServerPort?: number;
  readonly emulatorPort?: number;
  readonly log?: (line: string) => void;
  /** False when a person opens the workbench in their own browser (the demo): Chromium is not needed. */
  readonly needsBrowser?: boolean;
  /** Hand the emulator's key to the extension so it stores it on first activation (the demo only). */
  readonly presetDemoKey?: boolean;
}

/** A key shaped like Mistral's (32 alphanumerics), fresh per run so no fixture ever holds one. */
export function randomApiKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(32), (byte) => alphabet[byte % alphabet.length]).join('');
}

export function sessionEnvironment(emulator: RunningEmulator, apiKey: string, sandbox: Sandbox): Record<string, string> {
  return {
    [TEST_ENV.baseUrl]: emulator.url,
    [TEST_ENV.apiKey]: apiKey,
    [TEST_ENV.workspace]: sandbox.workspaceDir,
    [TEST_ENV.emulatorData]: emulator.dataDir,
  };
}

export interface TestEnvironment {
  readonly sandbox: Sandbox;
  readonly emulator: RunningEmulator;
  readonly apiKey: string;
  /** Environment given to the VS Code host, and so to the extension host and the suites. */
  readonly env: Readonly<Record<string, string>>;
  close(options?: { keepSandbox?: boolean }): Promise<void>;
}

type Closer = () => Promise<void>;
const openClosers = new Set<Closer>();
let signalsHandled = false;

/** Ctrl-C or a CI timeout (SIGTERM) still stops code-server and the emulator and removes the sandbox. */
function closeOnSignal(closer: Closer): void {
  openClosers.add(closer);
  if (signalsHandled) return;
  signalsHandled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the test host...`);
      const closing = Promise.allSettled([...openClosers].map((close) => close()));
      const deadline = new Promise((resolve) => setTimeout(resolve, 10_000));
      void Promise.race([closing, deadline]).then(() => process.exit(code));
    });
  }
}

/** Sandbox + emulator + settings: everything but the VS Code host itself. */
export async function prepareTestEnvironment(
  options: Pick<HostSessionOptions, 'label' | 'seed' | 'extraEnv' | 'emulatorPort' | 'presetDemoKey'>,
): Promise<TestEnvironment> {
  const sandbox = createSandbox(options.label);
  try {
    const apiKey = randomApiKey();
    const emulator = await startEmulator({ dataDir: sandbox.emulatorDataDir, apiKey, port: options.emulatorPort ?? 0, seed: options.seed });
    writeUserSettings(sandbox.userDataDir, emulator.url);
    const demoKey: Record<string, string> = options.presetDemoKey ? { [DEMO_KEY_VARIABLE]: apiKey } : {};
    const env = { ...sessionEnvironment(emulator, apiKey, sandbox), ...demoKey, ...options.extraEnv };
    const close = async ({ keepSandbox = false } = {}) => {
      openClosers.delete(closeForSignal);
      await emulator.close().catch(() => undefined);
      if (!keepSandbox) sandbox.remove();
    };
    const closeForSignal = () => close();
    closeOnSignal(closeForSignal);
    return { sandbox, emulator, apiKey, env, close };
  } catch (error) {
    sandbox.remove();
    throw error;
  }
}

export async function startHostSession(options: HostSessionOptions): Promise<HostSession> {
  const log = options.log ?? ((line: string) => console.log(line));
  checkPrerequisites({ forInstall: false, needsBrowser: options.needsBrowser });
  const install = await ensureCodeServer(log);
  const environment = await prepareTestEnvironment(options);
  try {
    const { sandbox, env } = environment;
    const codeServer = await startCodeServer(install, sandbox, { env, port: options.codeServerPort });
    const url = workbenchUrl({
      codeServerUrl: codeServer.url,
      workspaceDir: sandbox.workspaceDir,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: options.extensionTestsPath,
    });
    const closeCodeServer = () => codeServer.close().catch(() => undefined);
    closeOnSignal(closeCodeServer);
    return {
      ...environment,
      codeServer,
      url,
      close: async (closeOptions) => {
        openClosers.delete(closeCodeServer);
        await closeCodeServer();
        await environment.close(closeOptions);
      },
    };
  } catch (error) {
    await environment.close();
    throw error;
  }
}

export interface RunnerArgs {
  grep?: string;
  keepSandbox: boolean;
}

/** The test runners' shared options: `--grep PATTERN` (or `-g`, `--grep=`) and `--keep` (keep the sandbox). */
export function parseRunnerArgs(argv: string[], script: string): RunnerArgs {
  const args: RunnerArgs = { keepSandbox: false };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--grep' || arg === '-g') args.grep = argv[++index] ?? '';
    else if (arg.startsWith('--grep=')) args.grep = arg.slice('--grep='.length);
    else if (arg === '--keep') args.keepSandbox = true;
    else throw new Error(`Unknown argument ${arg}. Usage: npm run ${script} -- [--grep PATTERN] [--keep]`);
  }
  if (args.grep === '') throw new Error('--grep needs a pattern.');
  return args;
}
