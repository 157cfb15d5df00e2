/** `mistral-files batch …` in-process against the emulator: output, --json, exit codes, progress, results files. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAST_BATCH_RATE, chatLines } from '../emulator/batch/testSupport';
import { runCliIn, startHarness, TEST_KEY, writeFile, type CliRun, type Harness } from './clientSupport/fixture';

const requestsJsonl = (count: number): string => chatLines(count).map((line) => JSON.stringify(line)).join('\n') + '\n';

describe('CLI batch commands (emulator)', function () {
  this.timeout(60_000);
  let h: Harness;
  const outputs: string[] = [];

  beforeEach(async () => {
    h = await startHarness();
    h.emulator.batch.configure({ rate: FAST_BATCH_RATE });
  });
  afterEach(async () => {
    await h.close();
  });
  after(() => {
    assert.ok(!outputs.some((text) => text.includes(TEST_KEY)), 'the API key never appears in any output');
  });

  const cli = (args: string[], signal?: AbortSignal): Promise<CliRun> => runCliIn(h, args, outputs, signal);

  const resultLines = (text: string): Array<{ custom_id: string; status: string; status_code: number | null; error: { message: string } | null }> =>
    text.trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; status: string; status_code: number | null; error: { message: string } | null });

  it('create from a local file with --wait, then results in input order (stdout, --failed, --out)', async () => {
    h.emulator.batch.failRequests({ customId: 'req-2', statusCode: 400, message: 'emulated bad request' });
    writeFile(h.workDir, 'requests.jsonl', requestsJsonl(5));
    const created = await cli(['batch', 'create', '--input', 'requests.jsonl', '--endpoint', 'chat/completions', '--model', 'mistral-small-latest', '--metadata', 'team=cli', '--wait', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const job = JSON.parse(created.stdout) as { id: string; status: string; endpoint: string; metadata: unknown; succeeded_requests: number };
    assert.equal(job.status, 'SUCCESS');
    assert.equal(job.endpoint, '/v1/chat/completions');
    assert.deepEqual(job.metadata, { team: 'cli' });
    assert.equal(job.succeeded_requests, 4);
    assert.match(created.stderr, new RegExp(`Batch job ${job.id}: SUCCESS 5/5 done, 4 succeeded, 1 failed, \\d+s elapsed`));

    const results = await cli(['batch', 'results', job.id]);
    assert.equal(results.code, 0, results.stderr);
    const lines = resultLines(results.stdout);
    assert.deepEqual(lines.map((line) => line.custom_id), ['req-0', 'req-1', 'req-2', 'req-3', 'req-4']);
    assert.deepEqual(lines.map((line) => line.status), ['succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded']);
    assert.equal(lines[2].status_code, 400);
    assert.equal(results.stderr, '5 requests: 4 succeeded, 1 failed, 0 missing\n');

    const failed = await cli(['batch', 'results', job.id, '--failed']);
    assert.deepEqual(resultLines(failed.stdout).map((line) => line.custom_id), ['req-2']);

    const saved = await cli(['batch', 'results', job.id, '--out', 'results.jsonl', '--json']);
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(fs.readFileSync(path.join(h.workDir, 'results.jsonl'), 'utf8'), results.stdout);
    assert.deepEqual(JSON.parse(saved.stdout), { job: job.id, status: 'SUCCESS', requests: 5, succeeded: 4, failed: 1, missing: 0, unmatchedResults: 0, unreadableResults: 0, path: path.join(h.workDir, 'results.jsonl') });
    assert.deepEqual(fs.readdirSync(h.workDir).sort(), ['requests.jsonl', 'results.jsonl'], 'no temp file left beside the output');
  });

  it('refuses to upload a file that fails the batch rules (exit 2, problems shown, nothing uploaded)', async () => {
    writeFile(h.workDir, 'bad.jsonl', '{"custom_id":"a","body":{}}\n{"custom_id":"b"}\nnot json\n');
    const run = await cli(['batch', 'create', '--input', 'bad.jsonl', '--endpoint', '/v1/chat/completions', '--model', 'm']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^Error: bad\.jsonl is not a valid batch file \(2 errors\); nothing was uploaded:\n {2}bad\.jsonl:2:\d+: body-missing /);
    assert.match(run.stderr, /mistral-files validate --purpose batch bad\.jsonl/);
    assert.equal((await cli(['list'])).stdout, 'No files.\n');
  });

  it('usage errors exit 2 before any request: missing options, a bad --status, a bad --metadata, an unknown input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['batch', 'create', '--endpoint', 'e', '--model', 'm'], /Give at least one --input/],
      [['batch', 'create', '--input', '00000000-0000-4000-8000-000000000000', '--model', 'm'], /Give --endpoint/],
      [['batch', 'create', '--input', 'nope.jsonl', '--endpoint', 'e', '--model', 'm'], /--input nope\.jsonl: no such file, and not a file id/],
      [['batch', 'create', '--input', '00000000-0000-4000-8000-000000000000', '--endpoint', 'e', '--model', 'm', '--metadata', 'novalue'], /--metadata needs KEY=VALUE/],
      [['batch', 'create', '--input', '00000000-0000-4000-8000-000000000000', '--endpoint', 'e', '--model', 'm', '--timeout-hours', '169'], /--timeout-hours needs a whole number from 1 to 168/],
      [['batch', 'list', '--status', 'done'], /--status must be one of QUEUED, RUNNING/],
      [['batch', 'teleport'], /Unknown batch command "teleport"/],
      [['batch', 'get'], /Give the batch job id/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
    }
    assert.equal((await cli(['batch', 'list'])).stdout, 'No batch jobs.\n');
  });

  it('wait shows progress on stderr while counters move and prints the finished job', async () => {
    h.emulator.batch.configure({ rate: 8 });
    const fileId = (await h.client().files.upload(writeFile(h.workDir, 'r.jsonl', requestsJsonl(16)), { purpose: 'batch' })).id;
    const created = await cli(['batch', 'create', '--input', fileId, '--endpoint', '/v1/chat/completions', '--model', 'mistral-small-latest']);
    const id = /Created batch job (\S+) \(QUEUED\)/.exec(created.stdout)?.[1];
    assert.ok(id, created.stdout);
    const run = await cli(['batch', 'wait', id]);
    assert.equal(run.code, 0, run.stderr);
    const progress = run.stderr.trim().split('\n');
    assert.ok(progress.some((line) => /: RUNNING \d+\/16 done, \d+ succeeded, 0 failed, \d+s elapsed$/.test(line)), run.stderr);
    assert.match(progress.at(-1) ?? '', /: SUCCESS 16\/16 done, 16 succeeded, 0 failed, \d+s elapsed$/);
    assert.equal(new Set(progress).size, progress.length, 'no line repeated when nothing changed');
    assert.match(run.stdout, /^status +SUCCESS$/m);
    assert.match(run.stdout, /^requests +16\/16 \(16 succeeded\)$/m);
  });

  it('cancel, then wait exits 1 with the end status, and results mark every request missing', async () => {
    h.emulator.batch.configure({ rate: 0 });
    writeFile(h.workDir, 'r.jsonl', requestsJsonl(3));
    const created = await cli(['batch', 'create', '--input', 'r.jsonl', '--endpoint', '/v1/chat/completions', '--model', 'mistral-small-latest', '--json']);
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    const early = await cli(['batch', 'results', id]);
    assert.equal(early.code, 2);
    assert.match(early.stderr, /is QUEUED \(counting…\); its results come when it ends/);

    const cancel = await cli(['batch', 'cancel', id]);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, new RegExp(`^Cancellation requested for batch job ${id} \\(CANCELLATION_REQUESTED`));
    h.emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const wait = await cli(['batch', 'wait', id, '--json']);
    assert.equal(wait.code, 1);
    assert.equal((JSON.parse(wait.stdout) as { status: string }).status, 'CANCELLED');
    assert.match(wait.stderr, new RegExp(`Batch job ${id} ended CANCELLED`));
    const results = await cli(['batch', 'results', id]);
    assert.deepEqual(resultLines(results.stdout).map((line) => line.status), ['missing', 'missing', 'missing']);
  });

  it('list with filters, get, delete, and a clear error for an unknown job', async () => {
    h.emulator.batch.configure({ rate: 0 });
    const fileId = (await h.client().files.upload(writeFile(h.workDir, 'r.jsonl', requestsJsonl(1)), { purpose: 'batch' })).id;
    const make = async (model: string): Promise<string> => {
      const run = await cli(['batch', 'create', '--input', fileId, '--endpoint', '/v1/chat/completions', '--model', model, '--json']);
      return (JSON.parse(run.stdout) as { id: string }).id;
    };
    const small = await make('mistral-small-latest');
    const large = await make('mistral-large-latest');
    await cli(['batch', 'cancel', small]);

    const table = await cli(['batch', 'list']);
    const [header, first, second] = table.stdout.split('\n');
    assert.match(header, /^ID\s+STATUS\s+MODEL\s+ENDPOINT\s+PROGRESS\s+CREATED$/);
    assert.match(first, new RegExp(`^${large}\\s+QUEUED\\s+mistral-large-latest\\s+/v1/chat/completions\\s+counting…\\s+just now$`));
    assert.match(second, new RegExp(`^${small}\\s+CANCELLATION_REQUESTED\\s`));
    assert.match(table.stdout, /\n2 of 2 batch jobs\n$/);
    const queued = JSON.parse((await cli(['batch', 'list', '--status', 'queued', '--status', 'RUNNING', '--json'])).stdout) as { data: Array<{ id: string }>; total: number };
    assert.deepEqual(queued.data.map((job) => job.id), [large]);
    const bySmall = JSON.parse((await cli(['--json', 'batch', 'list', '--model', 'mistral-small-latest'])).stdout) as { data: Array<{ id: string }> };
    assert.deepEqual(bySmall.data.map((job) => job.id), [small]);

    const get = await cli(['batch', 'get', large]);
    assert.match(get.stdout, new RegExp(`^id +${large}\\nstatus +QUEUED\\nmodel +mistral-large-latest\\n`));
    const deleted = await cli(['batch', 'delete', large]);
    assert.equal(deleted.stdout, `Deleted batch job ${large}\n`);
    const gone = await cli(['batch', 'get', large]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^Error: Batch job not found/);
    const goneJson = await cli(['batch', 'get', large, '--json']);
    assert.equal((JSON.parse(goneJson.stderr) as { error: { status: number } }).error.status, 404);
  });

  it('Ctrl-C during a wait exits 130', async () => {
    h.emulator.batch.configure({ rate: 0 });
    const created = await h.client().batch.create({ requests: chatLines(2), endpoint: '/v1/chat/completions', model: 'mistral-small-latest' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const run = await cli(['batch', 'wait', created.id], controller.signal);
    assert.equal(run.code, 130);
    assert.match(run.stderr, /Error: Cancelled\n$/);
  });
});
