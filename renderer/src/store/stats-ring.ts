import type { Statistics } from '../../../electron/api/app-api';

/** Five minutes of one-second samples. */
export const STATS_WINDOW = 300;

export interface StatsSample {
  /** Seconds since the epoch (what uPlot's time axis wants). */
  atSeconds: number;
  /** Bits per second, tunnel payload. */
  inBitsPerSecond: number;
  outBitsPerSecond: number;
}

/** Appends a sample and drops the oldest beyond the window; returns a new array (store updates are immutable). */
export function addSample(samples: readonly StatsSample[], stats: Statistics, nowMs: number): StatsSample[] {
  const next = [...samples, { atSeconds: nowMs / 1000, inBitsPerSecond: stats.rateInBps * 8, outBitsPerSecond: stats.rateOutBps * 8 }];
  return next.length > STATS_WINDOW ? next.slice(next.length - STATS_WINDOW) : next;
}

/** `1.2 Mbit/s`, `850 kbit/s`, `0 bit/s`. */
export function formatRate(bitsPerSecond: number): string {
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s'];
  let value = bitsPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** `12.3 MB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
