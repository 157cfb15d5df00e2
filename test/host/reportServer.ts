/**
 * The loopback endpoint the tests module posts its mocha events to, and the terminal printer that turns
 * them into spec-reporter-like output. It also decides whether the run succeeded.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReportEvent } from './reportProtocol';

export interface RunOutcome {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  /** Why the run failed, or undefined when it passed. */
  readonly problem: string | undefined;
}

interface FailureDetail {
  readonly fullTitle: string;
  readonly message: string;
  readonly stack?: string;
}

export class ReportCollector {
  private readonly failures: FailureDetail[] = [];
  private passes = 0;
  private pending = 0;
  private began = false;
  private ended: Extract<ReportEvent, { type: 'end' }> | undefined;
  private loadError: string | undefined;
  private lastEventAt = Date.now();
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  get hasBegun(): boolean {
    return this.began || this.loadError !== undefined;
  }

  get hasEnded(): boolean {
    return this.ended !== undefined || this.loadError !== undefined;
  }

  get millisecondsSinceLastEvent(): number {
    return Date.now() - this.lastEventAt;
  }

  /** Resolves on the next event, so a waiting loop can re-check its conditions. */
  nextEvent(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  accept(event: ReportEvent): void {
    this.lastEventAt = Date.now();
    this.print(event);
    for (const wake of this.waiters.splice(0)) wake();
  }

  private print(event: ReportEvent): void {
    const indent = (depth: number) => '  '.repeat(depth);
    switch (event.type) {
      case 'begin':
        this.began = true;
        this.write(`\nRunning ${event.total} integration test(s) in the VS Code extension host\n`);
        break;
      case 'suite':
        this.write(`\n${indent(event.depth)}${event.title}\n`);
        break;
      case 'suiteEnd':
        break;
      case 'pass':
        this.passes++;
        this.write(`${indent(event.depth)}✔ ${event.title} (${event.durationMs} ms)\n`);
        break;
      case 'pending':
        this.pending++;
        this.write(`${indent(event.depth)}- ${event.title} (pending)\n`);
        break;
      case 'fail':
        this.failures.push(event);
        this.write(`${indent(event.depth)}✘ ${this.failures.length}) ${event.title}\n`);
        break;
      case 'loadError':
        this.loadError = event.stack ?? event.message;
        this.write(`\nThe integration test files could not be loaded:\n${this.loadError}\n`);
        break;
      case 'end':
        this.ended = event;
        break;
    }
  }

  /** Prints the failure details and counts; judges the run. `abortReason` is set when the run never ended. */
  finish(abortReason?: string): RunOutcome {
    if (this.failures.length > 0) {
      this.write('\nFailures:\n');
      this.failures.forEach((failure, index) => {
        this.write(`\n  ${index + 1}) ${failure.fullTitle}\n     ${(failure.stack ?? failure.message).split('\n').join('\n     ')}\n`);
      });
    }
    const problem = this.judge(abortReason);
    this.write(`\n  ${this.passes} passing, ${this.failures.length} failing, ${this.pending} pending\n`);
    if (problem) this.write(`\nIntegration run FAILED: ${problem}\n`);
    return { passes: this.passes, failures: this.failures.length, pending: this.pending, problem };
  }

  private judge(abortReason: string | undefined): string | undefined {
    if (abortReason) return abortReason;
    if (this.loadError !== undefined) return 'the test files could not be loaded.';
    if (!this.ended) return 'the extension host never reported the end of the run.';
    if (this.ended.tests === 0 && this.passes === 0) return 'no tests ran (none found, or --grep matched nothing).';
    if (this.failures.length > 0) return `${this.failures.length} test(s) failed.`;
    if (this.ended.failures > 0) return `mocha counted ${this.ended.failures} failure(s).`;
    if (this.ended.passes !== this.passes) return `${this.ended.passes} passes were counted but ${this.passes} reached the terminal.`;
    return undefined;
  }
}

export interface ReportServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startReportServer(collector: ReportCollector): Promise<ReportServer> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/report') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        collector.accept(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReportEvent);
        response.writeHead(204).end();
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/report`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
