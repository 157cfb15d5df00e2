/** Runs an in-process CLI command with its stdout and stderr captured, as the tests of `validate`, `convert` and `split` read them. */
import { PassThrough } from 'node:stream';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function capturedRun(run: (io: { stdout: PassThrough; stderr: PassThrough }) => Promise<number>): Promise<CapturedRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await run({ stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
