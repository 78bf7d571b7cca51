import { performance } from 'node:perf_hooks';
import { Keepalive } from './keepalive';
import { isSmallBlockCipher, SMALL_BLOCK_RENEGOTIATE_BYTES } from '../data/cipher-suites';
import type { DataKeySlot, KeyNegotiation } from './key-negotiation';
import type { SessionSettings } from './session-settings';
import type { TickObservations } from './session-state';
import type { OwnRenegotiationCause } from './codes';

/** Time and the one timer, injected: node's by default, core/testing's FakeScheduler in tests. */
export interface SessionClock {
  nowMs(): number;
  /** Calls `callback` after `delayMs`; `background`: does not keep the process alive. Returns a cancel. */
  setTimer(callback: () => void, delayMs: number, background?: boolean): () => void;
}

export const systemClock: SessionClock = {
  nowMs: () => performance.now(),
  setTimer: (callback, delayMs, background = false) => {
    const timer = setTimeout(callback, delayMs);
    if (background) timer.unref();
    return () => clearTimeout(timer);
  },
};

/**
 * The session's timers as named hooks, after wireguard-go's timers.go: the session
 * reports what happened (a packet sent or received, a key installed, the push applied),
 * and on each tick asks what is due. One real timer, re-armed at the earliest deadline.
 */
export class SessionTimers {
  readonly #keepalive: Keepalive;
  #cancel: (() => void) | undefined;

  constructor(
    private readonly clock: SessionClock,
    private readonly timers: SessionSettings['timers'],
    private readonly onTick: () => void,
  ) {
    this.#keepalive = new Keepalive(clock.nowMs(), timers.pingRestartSeconds, timers.pingSeconds);
  }

  /** ping-restart as it stands (the profile's, or the server's pushed one), in ms; 0: none. */
  get peerTimeoutMs(): number {
    return this.#keepalive.pingRestartMs;
  }

  /** A data packet (IP packet or ping) went out. */
  onDataSent(nowMs: number): void {
    this.#keepalive.onDataSent(nowMs);
  }

  /** An authenticated data packet or a valid control packet arrived. */
  onPacketReceived(nowMs: number): void {
    this.#keepalive.onPacketReceived(nowMs);
  }

  /** The push may replace ping and ping-restart. */
  onConfigured(pingSeconds: number | undefined, pingRestartSeconds: number | undefined): void {
    this.#keepalive.configure(pingSeconds, pingRestartSeconds);
  }

  /** What is due at `nowMs`, for the state machine's tick. */
  observe(nowMs: number, current: KeyNegotiation | undefined, initialKeyIdle: boolean): TickObservations {
    return {
      peerGone: this.#keepalive.isPeerGone(nowMs),
      pingDue: this.#keepalive.isPingDue(nowMs),
      keyExpired: this.keyExpiry(current, nowMs),
      initialKeyIdle,
    };
  }

  /** Which of our limits the key reached, if any: reneg-sec, reneg-bytes, or packet-ids running out. */
  keyExpiry(key: KeyNegotiation | undefined, nowMs: number): OwnRenegotiationCause | undefined {
    return keyLimitReached(key?.dataKeys, this.timers, nowMs);
  }

  /** Re-arms the one timer at the earliest of `deadlinesMs` and the keepalive and reneg-sec deadlines. */
  arm(nowMs: number, current: KeyNegotiation | undefined, deadlinesMs: number[]): void {
    const data = current?.dataKeys;
    const renegotiateAtMs = data && this.timers.renegotiateSeconds > 0 ? data.establishedAtMs + this.timers.renegotiateSeconds * 1000 : Infinity;
    const nextMs = Math.min(...deadlinesMs, this.#keepalive.nextDeadlineMs(), renegotiateAtMs);
    this.stop();
    if (nextMs === Infinity) return;
    this.#cancel = this.clock.setTimer(this.onTick, Math.max(1, Math.ceil(nextMs - nowMs)));
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }
}

/** The first of our limits a key's data keys reached (reneg-sec, reneg-bytes, packet-ids), if any. */
export function keyLimitReached(
  data: Pick<DataKeySlot, 'establishedAtMs' | 'bytes'> & { cipher: Pick<DataKeySlot['cipher'], 'name' | 'shouldRenegotiate'> } | undefined,
  timers: SessionSettings['timers'],
  nowMs: number,
): OwnRenegotiationCause | undefined {
  if (!data) return undefined;
  if (timers.renegotiateSeconds > 0 && nowMs - data.establishedAtMs >= timers.renegotiateSeconds * 1000) return 'reneg_sec';
  const renegotiateBytes = renegotiateBytesFor(timers.renegotiateBytes, data.cipher.name);
  if (renegotiateBytes > 0 && data.bytes >= renegotiateBytes) return 'reneg_bytes';
  return data.cipher.shouldRenegotiate() ? 'packet_ids' : undefined;
}

/**
 * reneg-bytes in force for a key: the profile's (0: never), else 64 MiB for a cipher with
 * 64-bit blocks against SWEET32, as 2.4+ does when reneg-bytes is not set (ovpn:ssl.c
 * tls_limit_reneg_bytes), else none (0).
 */
export function renegotiateBytesFor(configured: number | undefined, cipherName: string): number {
  if (configured !== undefined) return configured;
  return isSmallBlockCipher(cipherName) ? SMALL_BLOCK_RENEGOTIATE_BYTES : 0;
}
