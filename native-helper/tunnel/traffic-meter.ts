import type { Counters } from '../../core/index';
import type { Statistics } from '../api/index';

/**
 * Turns the session's running counters into the per-second statistics event: totals
 * plus the rate of tunnel payload over the last sample. Counters restart with each
 * session (a reconnect), so totals are kept across sessions here.
 */
export class TrafficMeter {
  #carried = { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 };
  #last: { counters: Counters; atMs: number; tunIn: number; tunOut: number } | undefined;

  constructor(private readonly connectedAtMs: () => number | null) {}

  /** A new session starts counting from zero: fold the old one's totals in. */
  sessionEnded(final: Counters | undefined): void {
    if (!final) return;
    this.#carried.bytesIn += final.bytesIn;
    this.#carried.bytesOut += final.bytesOut;
    this.#carried.packetsIn += final.packetsIn;
    this.#carried.packetsOut += final.packetsOut;
    this.#last = undefined;
  }

  sample(counters: Counters, nowMs: number): Statistics {
    const last = this.#last;
    const seconds = last ? Math.max((nowMs - last.atMs) / 1000, 0.001) : 1;
    const rateIn = last ? Math.max(0, counters.tunBytesIn - last.tunIn) / seconds : 0;
    const rateOut = last ? Math.max(0, counters.tunBytesOut - last.tunOut) / seconds : 0;
    this.#last = { counters, atMs: nowMs, tunIn: counters.tunBytesIn, tunOut: counters.tunBytesOut };
    const connectedAt = this.connectedAtMs();
    return {
      bytesIn: this.#carried.bytesIn + counters.bytesIn,
      bytesOut: this.#carried.bytesOut + counters.bytesOut,
      packetsIn: this.#carried.packetsIn + counters.packetsIn,
      packetsOut: this.#carried.packetsOut + counters.packetsOut,
      rateInBps: Math.round(rateIn),
      rateOutBps: Math.round(rateOut),
      keepaliveRttMs: null,
      drops: { ...counters.drops },
      connectedForMs: connectedAt === null ? 0 : Math.max(0, nowMs - connectedAt),
    };
  }
}
