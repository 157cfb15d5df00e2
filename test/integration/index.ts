/**
 * The tests module VS Code's extension host loads (`extensionTestsPath`) and whose `run()` it calls.
 * Results travel to the runner in the terminal (test/host/runIntegration.ts) as JSON events posted to a
 * loopback endpoint, because under code-server the extension host's stdout never reaches our terminal.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import Mocha from 'mocha';
import { TEST_ENV, type ReportEvent } from '../host/reportProtocol';

function postEvent(reportUrl: string, event: ReportEvent): Promise<void> {
  const body = Buffer.from(JSON.stringify(event));
  return new Promise((resolve) => {
    const request = http.request(
      reportUrl,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (response) => {
        response.resume();
        response.on('end', () => resolve());
      },
    );
    // A lost event must not hang the suite: the runner notices missing results and fails the run.
    request.on('error', () => resolve());
    request.end(body);
  });
}

/** Posts events strictly in order so the terminal shows them as mocha produced them. */
class EventSender {
  private queue: Promise<void> = Promise.resolve();
  constructor(private readonly reportUrl: string | undefined) {}

  send(event: ReportEvent): void {
    const reportUrl = this.reportUrl;
    if (reportUrl === undefined) return;
    this.queue = this.queue.then(() => postEvent(reportUrl, event));
  }

  flush(): Promise<void> {
    return this.queue;
  }
}

function errorText(error: unknown): { message: string; stack?: string } {
  if (error instanceof Error) return { message: error.message, stack: error.stack };
  return { message: String(error) };
}

function findTestFiles(directory: string): string[] {
  return fs
    .readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((relative) => relative.endsWith('.test.js'))
    .sort()
    .map((relative) => path.join(directory, relative));
}

function attachReporter(runner: Mocha.Runner, sender: EventSender): void {
  const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } =
    Mocha.Runner.constants;
  runner.on(EVENT_RUN_BEGIN, () => sender.send({ type: 'begin', total: runner.total }));
  runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
    if (!suite.root) sender.send({ type: 'suite', title: suite.title, depth: suiteDepth(suite) });
  });
  runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
    if (!suite.root) sender.send({ type: 'suiteEnd', title: suite.title, depth: suiteDepth(suite) });
  });
  runner.on(EVENT_TEST_PASS, (test: Mocha.Test) =>
    sender.send({ type: 'pass', title: test.title, fullTitle: test.fullTitle(), durationMs: test.duration ?? 0, depth: suiteDepth(test.parent) + 1 }),
  );
  runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) =>
    sender.send({ type: 'pending', title: test.title, fullTitle: test.fullTitle(), depth: suiteDepth(test.parent) + 1 }),
  );
  // Hook failures ("before all" hook) arrive here too, with the hook as the runnable.
  runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable, error: unknown) =>
    sender.send({ type: 'fail', title: test.title, fullTitle: test.fullTitle(), depth: suiteDepth(test.parent) + 1, ...errorText(error) }),
  );
  runner.on(EVENT_RUN_END, () => {
    const stats = runner.stats;
    sender.send({
      type: 'end',
      passes: stats?.passes ?? 0,
      failures: stats?.failures ?? 0,
      pending: stats?.pending ?? 0,
      tests: stats?.tests ?? 0,
    });
  });
}

function suiteDepth(suite: Mocha.Suite | undefined): number {
  let depth = 0;
  for (let current = suite; current !== undefined && !current.root; current = current.parent) depth++;
  return depth;
}

export async function run(): Promise<void> {
  const reportUrl = process.env[TEST_ENV.reportUrl];
  const sender = new EventSender(reportUrl);
  // Mocha constructs the reporter with its runner before the first event, so nothing is missed. Without a
  // runner (a desktop VS Code launched by hand) the spec reporter prints to the debug console instead.
  const reporter =
    reportUrl === undefined
      ? Mocha.reporters.Spec
      : (function RunnerReporter(runner: Mocha.Runner) {
          attachReporter(runner, sender);
        } as unknown as typeof Mocha.reporters.Base);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter });
  const grep = process.env[TEST_ENV.grep];
  if (grep !== undefined && grep !== '') mocha.grep(grep);

  try {
    for (const file of findTestFiles(__dirname)) mocha.addFile(file);
    await mocha.loadFilesAsync();
  } catch (error) {
    // A syntax or import error in a test file must show up in the terminal, not only in the host's log.
    sender.send({ type: 'loadError', ...errorText(error) });
    await sender.flush();
    throw error;
  }

  const failures = await new Promise<number>((resolve) => mocha.run((failureCount) => resolve(failureCount)));
  await sender.flush();
  if (failures > 0) throw new Error(`${failures} integration test(s) failed.`);
}
