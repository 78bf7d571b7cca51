import { readFileSync } from 'node:fs';

// What the benchmarks read of a process from /proc: one place for the three of them.

const CLOCK_TICKS = 100;

/** utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A "Name:   N kB" field of /proc/PID/status text (VmHWM, VmRSS, RssAnon, …), in kB. */
export function kilobytes(status: string, field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
}
