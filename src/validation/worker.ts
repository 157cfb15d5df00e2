/** Worker thread entry: validates the chunks the pool sends, one at a time, in the order received. */
import { parentPort } from 'node:worker_threads';
import { runChunkJob, type ChunkJob } from './chunkJob';

const port = parentPort;
if (port) {
  port.on('message', (job: ChunkJob) => {
    const reply = runChunkJob(job);
    port.postMessage(reply, [reply.buffer]);
  });
}
