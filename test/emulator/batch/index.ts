/** Wires the batch pieces together for the server: job store, controls, engine and routes. */
import type { FileStore } from '../store';
import { BatchControls, type BatchControl, type BatchSettings } from './controls';
import { BatchEngine } from './engine';
import { JobStore } from './jobStore';
import type { BatchEnv } from './routes';
import { seedDemoJobs } from './seedJobs';

export type { BatchControl, BatchSettings } from './controls';
export { isBatchPath, routeBatchApi, routeBatchControl, type BatchEnv } from './routes';

export interface BatchService {
  env: BatchEnv;
  control: BatchControl;
  close(): Promise<void>;
}

export async function openBatch(store: FileStore, settings: BatchSettings, seedDemo: boolean): Promise<BatchService> {
  const controls = new BatchControls(settings);
  const jobs = await JobStore.open(store.dataDir);
  if (seedDemo && jobs.isEmpty) await seedDemoJobs(store, jobs, controls);
  const engine = new BatchEngine(store, jobs, controls);
  return { env: { store, jobs, engine, controls }, control: controls, close: () => engine.close() };
}
