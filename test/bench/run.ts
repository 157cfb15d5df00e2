/**
 * `npm run bench`: every section measured in this one run, printed as one table. Never part of `npm test`.
 * BENCH_REPS (default 3) sets the transfer repetitions; BENCH_ONLY=transfer|validation|batch|results|data|browse runs one section.
 */
import * as os from 'node:os';
import { peakRssMethod } from './measure';
import { runBatchBench } from './batch';
import { runBrowseBench } from './browse';
import { runResultsViewerBench } from './resultsViewer';
import { runDataToolsBench } from './dataTools';
import { runTransferBench } from './transfer';
import { runValidationBench } from './validation';
import { renderTable } from './table';
import type { BenchRow } from './types';

type Section = { name: string; run: () => Promise<BenchRow[]> };


async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const sections: Section[] = [
    { name: 'transfer', run: runTransferBench },
    { name: 'validation', run: runValidationBench },
    { name: 'batch', run: runBatchBench },
    { name: 'results', run: runResultsViewerBench },
    { name: 'data', run: runDataToolsBench },
    { name: 'browse', run: runBrowseBench },
  ];
  const rows: BenchRow[] = [];
  for (const section of sections) {
    if (only && only !== section.name) continue;
    process.stderr.write(`running ${section.name}…\n`);
    rows.push(...(await section.run()));
  }
  process.stdout.write(`${renderTable(rows)}\n\n`);
  process.stdout.write(`Peak RSS: each contender's own process, measured with ${peakRssMethod()}. Wall time includes process start-up.\n`);
  process.stdout.write(`Machine: ${process.platform} ${process.arch}, Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((n: number) => n.toFixed(1)).join(' ')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
