/**
 * `npm run test:integration [-- --grep PATTERN] [-- --keep]`: runs test/integration/**.test.ts inside a
 * real VS Code extension host and reports in this terminal. Host: a desktop VS Code through
 * @vscode/test-electron when VSCODE_EXECUTABLE is set or a download works (see electronHost.ts);
 * otherwise code-server + Debian Chromium, which works offline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrerequisiteError } from './codeServer';
import { formatExtensionHostLogs } from './diagnostics';
import { resolveDesktopVsCode, runInDesktopVsCode } from './electronHost';
import { openWorkbench, type OpenWorkbench } from './launch';
import { TEST_ENV } from './reportProtocol';
import { ReportCollector, startReportServer } from './reportServer';
import { parseRunnerArgs, prepareTestEnvironment, REPO_ROOT, startHostSession, type RunnerArgs, type TestEnvironment } from './session';

function secondsFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return (Number.isFinite(value) && value > 0 ? value : fallback) * 1000;
}

const START_TIMEOUT_MS = secondsFromEnv('MISTRAL_TEST_START_TIMEOUT', 120);
const IDLE_TIMEOUT_MS = secondsFromEnv('MISTRAL_TEST_IDLE_TIMEOUT', 180);
const TOTAL_TIMEOUT_MS = secondsFromEnv('MISTRAL_TEST_TOTAL_TIMEOUT', 900);

/** Waits for the end of the run; returns why it was abandoned, or undefined when it ended. */
async function waitForEnd(collector: ReportCollector, hostStopped: () => string | undefined): Promise<string | undefined> {
  const startedAt = Date.now();
  while (!collector.hasEnded) {
    const stopped = hostStopped();
    if (stopped) return stopped;
    const elapsed = Date.now() - startedAt;
    if (!collector.hasBegun && elapsed > START_TIMEOUT_MS) {
      return `the extension host never called run() of the tests module within ${START_TIMEOUT_MS / 1000} s.`;
    }
    if (collector.hasBegun && collector.millisecondsSinceLastEvent > IDLE_TIMEOUT_MS) {
      return `no test finished for ${IDLE_TIMEOUT_MS / 1000} s: a test or hook hangs.`;
    }
    if (elapsed > TOTAL_TIMEOUT_MS) return `the run exceeded ${TOTAL_TIMEOUT_MS / 1000} s.`;
    await Promise.race([collector.nextEvent(), new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
  return undefined;
}

function requireBuildOutput(): string {
  const testsModule = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
  const bundle = path.join(REPO_ROOT, 'dist', 'extension.js');
  for (const file of [testsModule, bundle]) {
    if (!fs.existsSync(file)) throw new PrerequisiteError(`${path.relative(REPO_ROOT, file)} is missing: run "npx tsc -p . && node esbuild.mjs" first.`);
  }
  return testsModule.replace(/\.js$/, '');
}

async function runWithCodeServer(collector: ReportCollector, testsModule: string, extraEnv: Record<string, string>, args: RunnerArgs) {
  const session = await startHostSession({ label: 'mistral-files-it', extensionTestsPath: testsModule, extraEnv });
  let workbench: OpenWorkbench | undefined;
  const browserErrors: string[] = [];
  try {
    console.log(`VS Code host: code-server at ${session.codeServer.url}, emulator at ${session.emulator.url}`);
    workbench = await openWorkbench(session.url);
    workbench.page.on('pageerror', (error) => browserErrors.push(`page error: ${error.message}`));
    workbench.page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(`console: ${message.text()}`);
    });
    let crashed: string | undefined;
    workbench.page.on('crash', () => (crashed = 'the workbench page crashed.'));
    const abortReason = await waitForEnd(collector, () => crashed);
    const outcome = collector.finish(abortReason);
    if (outcome.problem) {
      console.log(`\n${formatExtensionHostLogs(session.sandbox.userDataDir)}`);
      if (abortReason) {
        console.log(`--- workbench errors (last 30) ---\n${browserErrors.slice(-30).join('\n') || '(none)'}`);
        console.log(`--- code-server output ---\n${session.codeServer.output()}`);
      }
    }
    return outcome;
  } finally {
    await workbench?.close();
    await session.close({ keepSandbox: args.keepSandbox });
    if (args.keepSandbox) console.log(`Sandbox kept: ${session.sandbox.root}`);
  }
}

async function runWithDesktop(collector: ReportCollector, executable: string, testsModule: string, extraEnv: Record<string, string>, args: RunnerArgs) {
  const environment: TestEnvironment = await prepareTestEnvironment({ label: 'mistral-files-it', extraEnv });
  try {
    let hostExit: string | undefined;
    const host = runInDesktopVsCode({ executable, environment, extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: testsModule }).then(
      (code) => (hostExit = `VS Code exited (code ${code}) before the run ended.`),
      (error: unknown) => (hostExit = `VS Code could not run the tests: ${error instanceof Error ? error.message : String(error)}`),
    );
    const abortReason = await waitForEnd(collector, () => hostExit);
    const outcome = collector.finish(abortReason);
    if (outcome.problem) console.log(`\n${formatExtensionHostLogs(environment.sandbox.userDataDir)}`);
    if (!abortReason) await host;
    return outcome;
  } finally {
    await environment.close({ keepSandbox: args.keepSandbox });
  }
}

async function main(): Promise<number> {
  const args = parseRunnerArgs(process.argv.slice(2), 'test:integration');
  const testsModule = requireBuildOutput();
  const collector = new ReportCollector();
  const reportServer = await startReportServer(collector);
  const extraEnv: Record<string, string> = { [TEST_ENV.reportUrl]: reportServer.url };
  if (args.grep !== undefined) extraEnv[TEST_ENV.grep] = args.grep;
  try {
    const desktop = await resolveDesktopVsCode((line) => console.log(line));
    if (desktop) console.log(`VS Code host: desktop VS Code ${desktop}`);
    const outcome = desktop
      ? await runWithDesktop(collector, desktop, testsModule, extraEnv, args)
      : await runWithCodeServer(collector, testsModule, extraEnv, args);
    return outcome.problem ? 1 : 0;
  } finally {
    await reportServer.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof PrerequisiteError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`\nIntegration run FAILED: ${message}`);
    process.exit(1);
  },
);
