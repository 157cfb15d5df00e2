/** Runs one contender as a child process and measures its wall time and its own peak RSS. */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface Measurement {
  seconds: number;
  peakRssMb: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

let gnuTime: boolean | undefined;

/** GNU time's -v prints "Maximum resident set size"; busybox or BSD time do not, so check once. */
function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    const probe = fs.existsSync('/usr/bin/time') ? spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }) : undefined;
    gnuTime = probe?.status === 0 && /Maximum resident set size/.test(probe.stderr);
  }
  return gnuTime;
}

export function peakRssMethod(): string {
  return hasGnuTime() ? '/usr/bin/time -v' : process.platform === 'linux' ? '/proc/PID/status VmHWM polling' : 'unavailable';
}

/** Polls VmHWM (the kernel's own high-water mark) while the child lives: the fallback without GNU time. */
function pollHighWaterMark(pid: number, onValue: (kb: number) => void): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) onValue(Number(match[1]));
    } catch {
      // The process just ended.
    }
  }, 10);
}

export async function measure(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Measurement> {
  const useTime = hasGnuTime();
  const started = process.hrtime.bigint();
  const child = useTime
    ? spawn('/usr/bin/time', ['-v', command, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let polledKb = 0;
  const poller = !useTime && child.pid !== undefined && process.platform === 'linux'
    ? pollHighWaterMark(child.pid, (kb) => (polledKb = Math.max(polledKb, kb)))
    : undefined;
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (poller) clearInterval(poller);
  let peakKb = polledKb;
  if (useTime) {
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    peakKb = match ? Number(match[1]) : Number.NaN;
    stderr = stderr.replace(/\n?\tCommand being timed:[\s\S]*$/, '');
  }
  return { seconds, peakRssMb: peakKb / 1024, stdout, stderr, code };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
