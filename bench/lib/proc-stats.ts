/**
 * @module bench/lib/proc-stats
 * CPU time and resident memory of another process, read from Linux `/proc`. CPU time per request
 * is the figure that survives a shared machine: other processes stretch wall-clock time, not the
 * CPU a target spends on its own work. Returns null where `/proc` is unavailable.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux Node supports. */
const TICKS_PER_S = 100;

/** User + system CPU time of `pid` (or of its thread `tid`) in ms (10 ms resolution), or null. */
export function cpuMs(pid: number, tid?: number): number | null {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/** Resident set size of `pid` in MB, or null. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The 1-, 5- and 15-minute load averages as `a / b / c`, for printing beside a table. */
export function loadText(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');
  } catch {
    return 'n/a';
  }
}
