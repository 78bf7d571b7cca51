/**
 * Test time for sans-IO layers: they take `nowMs` as an argument, so a test holds one
 * of these and passes `clock.nowMs` along, moving it on explicitly.
 */
export class FakeClock {
  #nowMs: number;

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  /** Whole seconds, for the tls-auth/tls-crypt net_time (`nowSeconds` options). */
  readonly nowSeconds = (): number => Math.floor(this.#nowMs / 1000);

  advance(ms: number): number {
    if (ms < 0) throw new Error('FakeClock: time does not go back');
    this.#nowMs += ms;
    return this.#nowMs;
  }

  /** Moves to `ms` if that is later; never backwards. */
  advanceTo(ms: number): number {
    if (ms > this.#nowMs) this.#nowMs = ms;
    return this.#nowMs;
  }
}
