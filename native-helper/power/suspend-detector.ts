import { readFileSync } from 'node:fs';

/**
 * Notices that the machine was suspended, from two clocks: CLOCK_MONOTONIC (what
 * performance.now() and every timer run on) stops while the machine sleeps, CLOCK_BOOTTIME
 * (/proc/uptime) does not. A tick that finds boottime ahead of monotonic by more than the
 * slack was a sleep of that length. A process that was merely frozen (SIGSTOP, a stalled VM)
 * sees both clocks move together: its timers are simply late, and catch up by themselves.
 */
export interface SuspendClocks {
  monotonicMs(): number;
  boottimeMs(): number;
}

export interface SuspendDetectorOptions {
  onWake(suspendedMs: number): void;
  clocks?: SuspendClocks;
  /** How often the clocks are compared: the wake is noticed at most this late. */
  intervalMs?: number;
  /** Drift below this is scheduling noise and /proc/uptime's 10 ms grain, not a sleep. */
  slackMs?: number;
}

export const SYSTEM_CLOCKS: SuspendClocks = {
  monotonicMs: () => performance.now(),
  // The first field of /proc/uptime is CLOCK_BOOTTIME in seconds, to the hundredth.
  boottimeMs: () => Number(readFileSync('/proc/uptime', 'latin1').split(' ', 1)[0]) * 1000,
};

export class SuspendDetector {
  readonly #clocks: SuspendClocks;
  readonly #slackMs: number;
  #timer: NodeJS.Timeout | undefined;
  #last: { monotonicMs: number; boottimeMs: number } | undefined;

  constructor(private readonly options: SuspendDetectorOptions) {
    this.#clocks = options.clocks ?? SYSTEM_CLOCKS;
    this.#slackMs = options.slackMs ?? 2_000;
  }

  start(): void {
    if (this.#timer) return;
    this.#last = this.#read();
    this.#timer = setInterval(() => this.check(), this.options.intervalMs ?? 1_000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#last = undefined;
  }

  /** One comparison (the timer's tick; tests call it directly). */
  check(): void {
    const now = this.#read();
    const last = this.#last;
    this.#last = now;
    if (!last) return;
    const slept = (now.boottimeMs - last.boottimeMs) - (now.monotonicMs - last.monotonicMs);
    if (slept > this.#slackMs) this.options.onWake(Math.round(slept));
  }

  #read(): { monotonicMs: number; boottimeMs: number } {
    return { monotonicMs: this.#clocks.monotonicMs(), boottimeMs: this.#clocks.boottimeMs() };
  }
}
