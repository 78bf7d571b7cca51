import type { Statistics } from '../../../electron/api/app-api';

/** Five minutes of one-second samples. */
export const STATS_WINDOW = 300;

export interface StatsSample {
  /** Seconds since the epoch (what uPlot's time axis wants). */
  atSeconds: number;
  /** Tunnel payload, bits per second (the helper counts bytes; people read bit/s). */
  inBitsPerSecond: number;
  outBitsPerSecond: number;
}

/**
 * Appends a sample and drops the oldest beyond the window. Returns a new array: store
 * updates are immutable, and copying 300 small records a second costs nothing.
 */
export function addSample(samples: readonly StatsSample[], stats: Statistics, nowMs: number): StatsSample[] {
  const sample = { atSeconds: nowMs / 1000, inBitsPerSecond: stats.rateInBps * 8, outBitsPerSecond: stats.rateOutBps * 8 };
  const kept = samples.length >= STATS_WINDOW ? samples.slice(samples.length - STATS_WINDOW + 1) : samples;
  return [...kept, sample];
}
