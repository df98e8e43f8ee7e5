// CPU time a server process spends per request (user + system, from /proc/<pid>/stat), a
// measure much less sensitive than requests/s to other jobs on a shared machine.
import { readFileSync } from 'node:fs';

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

/** User + system CPU time of `pid` in µs; NaN where /proc is not available. */
export function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return Number.NaN;
  }
}
