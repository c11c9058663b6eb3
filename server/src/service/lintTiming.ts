// Where a lint's time goes, for `npm run bench` (HPCLINT_TIMING=1): the worker measures the job itself, wall
// time and, on Linux, its thread's CPU time (a loaded machine stretches the first, not the second).
import { readFileSync } from 'node:fs';

export const TIMING = process.env.HPCLINT_TIMING === '1';

export interface JobTiming {
  /** The job on the worker, from receiving it to its outcome (before the outcome is sent back). */
  jobMs: number;
  /** CPU time of the worker thread in that span; undefined where the system does not say. */
  threadCpuMs?: number;
}

/** Nanoseconds this thread has run (Linux `/proc/thread-self/schedstat`), or undefined. */
function threadCpuNs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/** Runs `job` and says how long it took on this thread. */
export function timed<T>(job: () => T): { result: T; timing: JobTiming } {
  const cpuBefore = threadCpuNs();
  const started = performance.now();
  const result = job();
  const jobMs = performance.now() - started;
  const cpuAfter = cpuBefore === undefined ? undefined : threadCpuNs();
  return { result, timing: { jobMs, threadCpuMs: cpuAfter === undefined || cpuBefore === undefined ? undefined : (cpuAfter - cpuBefore) / 1e6 } };
}
