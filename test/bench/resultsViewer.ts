/**
 * Batch Results viewer benchmark: open a generated job (MF_BENCH_BATCH_REQUESTS, default 100,000 requests, the same
 * files as the batch section) and show its first page of 100 rows, with ResultsTable (staged files, byte ranges and
 * one-line summaries; details read on demand) against a naive viewer that parses every line of every file into
 * joined records kept in memory. Each contender runs in its own child process: wall time with start-up, peak RSS,
 * and the time to the first page measured inside. Run alone: `node out/test/bench/resultsViewer.js`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFileSource } from '../../src/api/batch/join';
import { requestSummary, responseSummary } from '../../src/api/batch/resultSummary';
import { ResultsTable } from '../../src/api/batch/resultsTable';
import { generateJob } from './batch';
import { measure } from './measure';
import { runAsScript } from './table';
import type { BenchRow } from './types';

const MB = 1024 * 1024;
const PAGE = 100;

interface ChildReport {
  firstPageSeconds: number;
  rows: number;
  failed: number;
  /** A checksum of the first page, so both contenders are seen to show the same rows. */
  page: string;
}

export async function runResultsViewerBench(): Promise<BenchRow[]> {
  const requests = Number(process.env.MF_BENCH_BATCH_REQUESTS ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'mf-bench-results-'));
  const rows: BenchRow[] = [];
  try {
    const files = await generateJob(dir, requests);
    const megabytes = (statSync(files.inputs).size + statSync(files.outputs).size + statSync(files.errors).size) / MB;
    const reports: ChildReport[] = [];
    for (const [mode, contender] of [['naive', 'naive baseline'], ['ours', 'ours']] as const) {
      const measured = await measure(process.execPath, [__filename, 'child', mode, dir], process.env, process.cwd());
      if (measured.code !== 0) throw new Error(`results bench child (${mode}) exited with ${measured.code}: ${measured.stderr.slice(-500)}`);
      const report = JSON.parse(measured.stdout.trim().split('\n').pop() ?? '{}') as ChildReport;
      reports.push(report);
      rows.push({
        section: 'batch',
        contender,
        operation: `results viewer: open + first ${PAGE} rows, ${requests.toLocaleString('en-US')} requests`,
        megabytes,
        seconds: measured.seconds,
        peakRssMb: measured.peakRssMb,
        note: `first page after ${report.firstPageSeconds.toFixed(2)} s inside; ${report.rows.toLocaleString('en-US')} rows, ${report.failed} failed; ${mode === 'ours' ? 'byte ranges + summaries, rows parsed on demand' : 'every line parsed and kept'}`,
      });
    }
    if (reports[0].page !== reports[1].page || reports[0].rows !== reports[1].rows) throw new Error(`the two viewers disagree: ${JSON.stringify(reports)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function childMain(mode: string, dir: string): Promise<void> {
  const started = process.hrtime.bigint();
  let page: string[];
  let rowCount: number;
  let failed: number;
  // Kept referenced until the report is written, so the naive contender's memory is what a viewer would hold.
  let keep: unknown;
  if (mode === 'naive') {
    type ResultLine = { custom_id: string; response?: { status_code: number; body: unknown }; error?: { message: string } | null };
    const results = new Map<string, ResultLine>();
    for (const name of ['outputs.jsonl', 'errors.jsonl']) {
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
        if (!line) continue;
        const parsed = JSON.parse(line) as ResultLine;
        if (!results.has(parsed.custom_id)) results.set(parsed.custom_id, parsed);
      }
    }
    const joined = readFileSync(join(dir, 'inputs.jsonl'), 'utf8').split('\n').filter((line) => line !== '').map((line) => {
      const input = JSON.parse(line) as { custom_id: string; body: unknown };
      const result = results.get(input.custom_id);
      const ok = result?.response && result.error == null && result.response.status_code < 300;
      return { custom_id: input.custom_id, status: result ? (ok ? 'succeeded' : 'failed') : 'missing', request: input.body, response: result?.response?.body ?? null };
    });
    rowCount = joined.length;
    failed = joined.filter((row) => row.status !== 'succeeded').length;
    page = joined.slice(0, PAGE).map((row) => `${row.custom_id}|${row.status}|${requestSummary(row.request)}|${responseSummary(row.response)}`);
    keep = joined;
  } else {
    const table = await ResultsTable.open({
      inputs: [localFileSource(join(dir, 'inputs.jsonl'))],
      results: [localFileSource(join(dir, 'outputs.jsonl')), localFileSource(join(dir, 'errors.jsonl'))],
    }, { tempDir: dir });
    const order = table.query();
    page = Array.from(order.subarray(0, PAGE), (index) => table.row(index)).map((row) => `${row.custom_id}|${row.status}|${row.request}|${row.response}`);
    rowCount = table.rowCount;
    failed = table.unsuccessfulRows().length;
    keep = table;
  }
  const report: ChildReport = { firstPageSeconds: Number(process.hrtime.bigint() - started) / 1e9, rows: rowCount, failed, page: String(page.join('\n').length) + ':' + page.slice(0, 3).join('\n') };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  if (keep instanceof ResultsTable) await keep.close();
}

if (require.main === module) runAsScript(runResultsViewerBench, { child: childMain });
