/**
 * Liveness timers in the style of wireguard-go's timers.go: callers report what
 * happened, this decides when a ping is due and when the peer counts as gone
 * (protocol.md §11). Times are milliseconds from the session clock.
 */
export class Keepalive {
  #lastSentMs: number;
  #lastReceivedMs: number;
  #pingMs: number | undefined;
  #pingRestartMs: number;

  constructor(nowMs: number, pingRestartSeconds: number, pingSeconds?: number) {
    this.#lastSentMs = nowMs;
    this.#lastReceivedMs = nowMs;
    this.#pingRestartMs = pingRestartSeconds * 1000;
    this.#pingMs = pingSeconds === undefined ? undefined : pingSeconds * 1000;
  }

  /** Pushed `ping` / `ping-restart` replace the profile's values. */
  configure(pingSeconds: number | undefined, pingRestartSeconds: number | undefined): void {
    if (pingSeconds !== undefined) this.#pingMs = pingSeconds * 1000;
    if (pingRestartSeconds !== undefined) this.#pingRestartMs = pingRestartSeconds * 1000;
  }

  /** How long the peer may stay silent before we give up on it (0: never). */
  get pingRestartMs(): number {
    return this.#pingRestartMs;
  }

  /** Call after any data packet went out. */
  onDataSent(nowMs: number): void {
    // max: an offloaded data plane reports its times later than they happened.
    this.#lastSentMs = Math.max(this.#lastSentMs, nowMs);
  }

  /** Call after any authenticated data packet or valid control packet arrived. */
  onPacketReceived(nowMs: number): void {
    this.#lastReceivedMs = Math.max(this.#lastReceivedMs, nowMs);
  }

  isPingDue(nowMs: number): boolean {
    return this.#pingMs !== undefined && nowMs - this.#lastSentMs >= this.#pingMs;
  }

  isPeerGone(nowMs: number): boolean {
    return this.#pingRestartMs > 0 && nowMs - this.#lastReceivedMs >= this.#pingRestartMs;
  }

  nextDeadlineMs(): number {
    const restart = this.#pingRestartMs > 0 ? this.#lastReceivedMs + this.#pingRestartMs : Infinity;
    const ping = this.#pingMs !== undefined ? this.#lastSentMs + this.#pingMs : Infinity;
    return Math.min(restart, ping);
  }

  get lastReceivedMs(): number {
    return this.#lastReceivedMs;
  }
}
