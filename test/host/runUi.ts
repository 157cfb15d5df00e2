/**
 * `npm run test:ui [-- --grep PATTERN] [-- --keep]`: opens the real workbench (code-server + Chromium)
 * with the extension under development and a demo-seeded emulator, then runs test/ui/**.test.ts with
 * mocha in this process, driving the page through Playwright.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';
import { setUiContext } from '../ui/context';
import { Workbench } from '../ui/workbench';
import { PrerequisiteError } from './codeServer';
import { formatExtensionHostLogs } from './diagnostics';
import { openWorkbench, type OpenWorkbench } from './launch';
import { parseRunnerArgs, REPO_ROOT, startHostSession, type HostSession } from './session';

function uiTestFiles(): string[] {
  const directory = path.join(REPO_ROOT, 'out', 'test', 'ui');
  if (!fs.existsSync(directory)) throw new PrerequisiteError('out/test/ui is missing: run "npx tsc -p ." first.');
  return fs
    .readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => path.join(directory, file));
}

async function runMocha(files: string[], grep: string | undefined, onFailure: (title: string) => Promise<void>): Promise<{ failures: number; tests: number }> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 90_000, bail: true, color: process.stdout.isTTY });
  if (grep) mocha.grep(grep);
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  const pendingScreenshots: Promise<void>[] = [];
  return new Promise((resolve) => {
    const runner = mocha.run((failures) => {
      void Promise.all(pendingScreenshots).then(() => resolve({ failures, tests: runner.stats?.tests ?? 0 }));
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Runnable) => {
      pendingScreenshots.push(onFailure(test.fullTitle()));
    });
  });
}

/**
 * The README's pictures ship in the .vsix, which checkPackage keeps under 1.5 MB: quantised, they are a third of
 * Chromium's size and look the same. Without pngquant (Debian's package) they stay as taken, and the run says so.
 */
function compressScreenshots(directory: string): void {
  const pictures = fs.readdirSync(directory).filter((name) => /^screenshot-.*\.png$/.test(name)).map((name) => path.join(directory, name));
  const run = spawnSync('pngquant', ['--quality=85-98', '--speed=1', '--strip', '--force', '--ext', '.png', ...pictures], { encoding: 'utf8' });
  if (run.error) console.log(`Screenshots left uncompressed: pngquant is not installed (apt-get install pngquant).`);
  // 99: the quality floor could not be met; the picture is kept as it was.
  else if (run.status !== 0 && run.status !== 99) console.log(`pngquant exited with ${run.status}: ${run.stderr.trim()}`);
}

async function main(): Promise<number> {
  const args = parseRunnerArgs(process.argv.slice(2), 'test:ui');
  const files = uiTestFiles();
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) throw new PrerequisiteError('dist/extension.js is missing: run "node esbuild.mjs" first.');
  const session: HostSession = await startHostSession({ label: 'mistral-files-ui', seed: 'demo' });
  let workbench: OpenWorkbench | undefined;
  let failureShots = 0;
  try {
    console.log(`VS Code host: code-server at ${session.codeServer.url}, emulator at ${session.emulator.url} (demo data)`);
    workbench = await openWorkbench(session.url, { viewport: { width: 1280, height: 800 } });
    const page = workbench.page;
    const ui = new Workbench(page);
    await ui.waitUntilReady();
    // The README's pictures are replaced only on request, so a test run never leaves the work tree modified.
    const screenshotDir = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO_ROOT, 'media') : fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-files-screenshots-'));
    console.log(`Screenshots go to ${screenshotDir}${process.env.UPDATE_SCREENSHOTS === '1' ? '' : ' (UPDATE_SCREENSHOTS=1 writes them to media/)'}`);
    setUiContext({ workbench: ui, session, screenshotDir });
    const result = await runMocha(files, args.grep, async (title) => {
      const file = path.join(os.tmpdir(), `mistral-files-ui-failure-${++failureShots}.png`);
      await page.screenshot({ path: file }).catch(() => undefined);
      console.log(`  (screenshot of the failure "${title}": ${file})`);
    });
    if (process.env.UPDATE_SCREENSHOTS === '1') compressScreenshots(screenshotDir);
    if (result.failures > 0 || result.tests === 0) {
      console.log(`\n${formatExtensionHostLogs(session.sandbox.userDataDir)}`);
      console.log(result.tests === 0 ? '\nUI run FAILED: no tests ran.' : `\nUI run FAILED: ${result.failures} failure(s).`);
      return 1;
    }
    return 0;
  } finally {
    setUiContext(undefined);
    await workbench?.close();
    await session.close({ keepSandbox: args.keepSandbox });
    if (args.keepSandbox) console.log(`Sandbox kept: ${session.sandbox.root}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof PrerequisiteError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`\nUI run FAILED: ${message}`);
    process.exit(1);
  },
);
