/**
 * `mistral-files` (dist/cli.js): the Files and Batch APIs, OCR and transcription from a terminal, over the same client as the extension.
 * Exit codes: 0 done, 1 the service or the network failed, 2 bad usage or local input, 130 cancelled (Ctrl-C),
 * 143 / 129 ended by SIGTERM / SIGHUP.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { MistralClient } from '../api/client';
import { DEFAULT_BASE_URL } from '../api/core/endpoint';
import { MistralApiError, errorMessage } from '../api/core/errors';
import { errorCode } from '../api/core/errorMapping';
import { OutputError, removeLiveTempFilesSync } from '../util/safeOutput';
import { terminalSafe } from './terminalSafe';
import { BATCH_COMMANDS, BATCH_USAGE } from './batch';
import { checkedUploadCommand, DOCUMENT_COMMANDS, DOCUMENT_USAGE } from './documents';
import {
  deleteCommand,
  downloadCommand,
  getCommand,
  listCommand,
  urlCommand,
  UsageError,
  type CommandContext,
  type Options,
} from './commands';

const USAGE = `Usage: mistral-files <command> [options]

Commands:
  list [--purpose P] [--search TEXT] [--sample-type T]... [--source S]... [--page N] [--page-size N]
  get ID                       Show one file's details
  upload FILE [--purpose P] [--visibility workspace|user] [--expiry N] [--name REMOTE_NAME]
                               Stream FILE to Mistral (purpose defaults to fine-tune; limit 512 MB); a type the
                               purpose does not take (or an OCR file over 50 MB / 1,000 pages) is refused first
  download ID [--out PATH] [--force]
                               Save the content (default: the remote name in this folder, never overwritten
                               without --force); an interrupted download leaves no partial file
  delete ID                    Delete a file
  url ID [--expiry HOURS]      Print a signed download URL (1 to 168 hours, default 24)
  validate [--purpose fine-tune|batch] [--json] [--fix [--out FILE]] FILE...
                               Check JSONL files line by line before uploading
  convert [--from auto|openai|sharegpt|alpaca|csv] FILE --out FILE
                               Convert other data formats to Mistral JSONL (function calling kept), with a report
  split FILE [--validation SIZE|PERCENT|none] [--seed N] [--max-size SIZE]
                               Train/validation split (default min(1 MB, 5%)) and shards under the upload limit
${DOCUMENT_USAGE}${BATCH_USAGE}
Options for every command:
  --json                       Machine-readable output on stdout
  --base-url URL               API base URL (default $MISTRAL_BASE_URL or ${DEFAULT_BASE_URL}); a path prefix is kept
  --proxy URL                  Proxy to use (default: HTTPS_PROXY / HTTP_PROXY / NO_PROXY)
  --insecure                   Accept invalid TLS certificates through a proxy (one that re-signs traffic);
                               a direct connection to the API is always verified
  --timeout SECONDS            Give up on an answer after this long (default 120); transfers only time out
                               when no byte moves for this long
  -h, --help                   Show this help

The API key is read from MISTRAL_API_KEY.
Exit status: 0 success, 1 API or network failure (or a waited-for batch job that did not succeed), 2 usage error,
130 cancelled (Ctrl-C), 143 / 129 ended by SIGTERM / SIGHUP. An interrupted download leaves no partial file.
`;

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  'base-url': { type: 'string' },
  proxy: { type: 'string' },
  insecure: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Resolves with the exit code when it is not 0 (a batch wait whose job failed). */
type Runner = (ctx: CommandContext, positionals: string[], options: Options) => Promise<number | void>;

const COMMANDS: Record<string, { options: ParseArgsConfig['options']; run: Runner }> = {
  list: {
    options: {
      purpose: { type: 'string' },
      search: { type: 'string' },
      page: { type: 'string' },
      'page-size': { type: 'string' },
      'sample-type': { type: 'string', multiple: true },
      source: { type: 'string', multiple: true },
    },
    run: listCommand,
  },
  get: { options: {}, run: getCommand },
  upload: {
    options: { purpose: { type: 'string' }, visibility: { type: 'string' }, expiry: { type: 'string' }, name: { type: 'string' } },
    run: checkedUploadCommand,
  },
  download: { options: { out: { type: 'string', short: 'o' }, force: { type: 'boolean' } }, run: downloadCommand },
  delete: { options: {}, run: deleteCommand },
  url: { options: { expiry: { type: 'string' } }, run: urlCommand },
  ...DOCUMENT_COMMANDS,
};

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  /** Called with the bytes moved so far during uploads and downloads. */
  relieveMemory?: (transferred: number) => void;
}

/** Global options may come before the command (`--base-url URL list`): move them after it for parseArgs. */
function splitCommand(argv: string[]): [string | undefined, string[]] {
  const leading: string[] = [];
  let index = 0;
  while (index < argv.length && argv[index].startsWith('-') && argv[index] !== '-h' && argv[index] !== '--help') {
    const token = argv[index];
    const name = token.replace(/^--/, '').split('=')[0];
    const takesValue = !token.includes('=') && (COMMON_OPTIONS as Record<string, { type: string }>)[name]?.type === 'string';
    leading.push(...argv.slice(index, index + (takesValue ? 2 : 1)));
    index += takesValue ? 2 : 1;
  }
  return [argv[index], [...argv.slice(index + 1), ...leading]];
}

export async function runCli(argv: string[], rawIo: CliIo): Promise<number> {
  // Whatever any command prints, server strings included, reaches the terminal without control sequences.
  const io: CliIo = { ...rawIo, stdout: terminalSafe(rawIo.stdout), stderr: terminalSafe(rawIo.stderr) };
  const [command, rest] = splitCommand(argv);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'validate') {
    // Loaded on demand: the validator brings worker threads that the transfer commands never need at start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require keeps it out of start-up
    const { runValidate } = require('./validate') as typeof import('./validate');
    return runValidate(rest, { stdout: io.stdout, stderr: io.stderr });
  }
  if (command === 'convert' || command === 'split') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require keeps it out of start-up
    const { runConvert, runSplit } = require('./dataTools') as typeof import('./dataTools');
    return (command === 'convert' ? runConvert : runSplit)(rest, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, signal: io.signal });
  }
  let spec = COMMANDS[command];
  let args = rest;
  if (command === 'batch') {
    const [subcommand, subRest] = splitCommand(rest);
    if (subcommand === undefined || subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
      (subcommand === undefined ? io.stderr : io.stdout).write(`Usage: mistral-files batch <command> [options]\n\n${BATCH_USAGE}`);
      return subcommand === undefined ? 2 : 0;
    }
    spec = BATCH_COMMANDS[subcommand];
    if (!spec) {
      io.stderr.write(`Unknown batch command "${subcommand}".\n\nUsage: mistral-files batch <command> [options]\n\n${BATCH_USAGE}`);
      return 2;
    }
    args = subRest;
  }
  if (!spec) {
    io.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  let values: Options;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { ...COMMON_OPTIONS, ...spec.options }, allowPositionals: true, strict: true }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\nRun "mistral-files --help" for usage.\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const json = values.json === true;
  const apiKey = io.env.MISTRAL_API_KEY?.trim();
  if (!apiKey) {
    io.stderr.write('Set MISTRAL_API_KEY to your Mistral API key (https://console.mistral.ai/api-keys).\n');
    return 2;
  }

  const timeout = values.timeout as string | undefined;
  if (timeout !== undefined && !(/^\d+(\.\d+)?$/.test(timeout.trim()) && Number(timeout) > 0)) {
    io.stderr.write(`--timeout needs a number of seconds greater than 0; got "${timeout}"\n`);
    return 2;
  }

  let client: MistralClient | undefined;
  try {
    client = new MistralClient({
      timeoutMs: timeout === undefined ? undefined : Number(timeout) * 1000,
      apiKey,
      baseUrl: (values['base-url'] as string | undefined) ?? io.env.MISTRAL_BASE_URL,
      proxy: values.proxy as string | undefined,
      strictSSL: values.insecure !== true,
      userAgent: 'mistral-files-cli/0.1',
    });
    const code = await spec.run({ api: client, json, signal: io.signal, stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, relieveMemory: io.relieveMemory }, positionals, values);
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    return reportFailure(err, json, io.stderr, apiKey);
  } finally {
    await client?.dispose();
  }
}

/** Failures that only mean "not in time": the message says how to allow longer. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['MISTRAL_DEADLINE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function reportFailure(err: unknown, json: boolean, stderr: NodeJS.WritableStream, apiKey: string): number {
  let code: number;
  let message: string;
  let detail: Record<string, unknown> = {};
  if (err instanceof UsageError || err instanceof OutputError) {
    code = 2;
    message = err.message;
  } else if (err instanceof MistralApiError) {
    code = err.kind === 'aborted' ? 130 : err.kind === 'invalid-request' ? 2 : 1;
    message = err.message;
    if (err.kind === 'network' && TIMEOUT_CODES.has(errorCode(err.cause) ?? '')) message += '; pass --timeout SECONDS to wait longer';
    detail = { kind: err.kind, status: err.status, api_message: err.apiMessage, request_id: err.requestId };
    if (err.mayHaveApplied) detail.may_have_applied = true;
  } else {
    code = 1;
    message = `Unexpected failure: ${errorMessage(err)}`;
  }
  // Belt and braces: nothing printed may carry the key, whatever produced the text.
  const safe = (text: string): string => text.split(apiKey).join('***');
  // Each string masked before JSON escaping, which would turn a `"` or `\` in the key into something else.
  if (json) stderr.write(`${JSON.stringify({ error: { message, ...detail } }, (_key, value: unknown) => (typeof value === 'string' ? safe(value) : value))}\n`);
  else {
    const requestId = err instanceof MistralApiError && err.requestId ? ` (request id ${err.requestId})` : '';
    stderr.write(`Error: ${safe(message)}${requestId}\n`);
  }
  return code;
}

/**
 * Keeps a transfer's RSS flat, for this short-lived process only (never the extension host):
 * - V8 compiles undici's llhttp WebAssembly with Liftoff, then again with TurboFan in the background; the second
 *   pass costs ~35 MB of RSS and buys nothing for a transfer bound by I/O, so it is switched off before the first
 *   request compiles the module.
 * - Socket and file chunks are short-lived Buffers whose memory lives outside the JS heap; V8 only collects them
 *   after ~64 MB of such garbage. A young-generation collection every 4 MB moved keeps that slack small and costs
 *   well under a millisecond each time.
 */
function tuneMemoryForTransfers(): (transferred: number) => void {
  let collect: ((options?: { type: 'minor' | 'major' }) => void) | undefined;
  try {
    v8.setFlagsFromString('--liftoff-only');
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as typeof collect;
  } catch {
    collect = undefined;
  }
  const step = 4 * 1024 * 1024;
  let nextAt = step;
  return (transferred) => {
    if (transferred < nextAt - step) nextAt = step; // a restarted download counts from zero again
    if (transferred < nextAt || !collect) return;
    nextAt = transferred + step;
    collect({ type: 'minor' });
  };
}

/**
 * Ends the process now, the way the signal itself would have: the temp files still being written are removed first
 * (no 'exit' handler runs), then the signal's default action ends the process, so the shell sees 130 / 143 / 129.
 * process.exit() is not enough here: it waits for Node's worker threads, and one stuck opening a FIFO that nobody
 * reads (`--out pipe`) would keep the process alive for ever.
 */
function dieBySignal(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void {
  removeLiveTempFilesSync();
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

/**
 * Ctrl-C cancels the running request; a second Ctrl-C quits at once. SIGTERM (a `timeout`, a CI cancel) and SIGHUP
 * (a closed terminal) cancel too, and quit after a short grace period if cancelling hangs. However the process ends
 * (short of SIGKILL), the temp file of a download still running is deleted: no partial file is left.
 */
function main(): void {
  const relieveMemory = tuneMemoryForTransfers();
  const controller = new AbortController();
  let interrupts = 0;
  let signalExitCode: number | undefined;
  process.on('exit', removeLiveTempFilesSync);
  // A closed terminal (SIGHUP) makes writes fail; that must not turn the clean-up into a crash.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) dieBySignal('SIGINT');
    controller.abort();
  });
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(signal, () => {
      signalExitCode ??= code;
      controller.abort();
      setTimeout(() => dieBySignal(signal), 2000).unref();
    });
  }
  runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    relieveMemory,
  }).then(
    (code) => {
      process.exitCode = signalExitCode ?? code;
    },
    (err: unknown) => {
      terminalSafe(process.stderr).write(`Unexpected failure: ${errorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) main();
