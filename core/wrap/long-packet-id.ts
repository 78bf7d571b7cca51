/**
 * The "long form" packet-id of tls-auth and tls-crypt: `replay id (4) | net_time (4)`,
 * both big-endian (ovpn:packet_id.c packet_id_write / packet_id_test / packet_id_add;
 * protocol.md §2.2).
 *
 * Sending: net_time is fixed at the first send; the id grows by one on every
 * transmission, retransmits included, and starts at 1 (0 is always rejected).
 * Receiving: an older time is a replay, a newer time starts a fresh window, an equal
 * time checks a 64-id sliding window.
 */
export const PACKET_ID_BYTES = 8;
const PACKET_ID_MAX = 0xffff_ffff;

export type NowSeconds = () => number;
export const systemNowSeconds: NowSeconds = () => Math.floor(Date.now() / 1000);

export class LongPacketIdSender {
  #id: number;
  #timeSeconds: number | undefined;

  /** tls-crypt-v2 starts at 0x0f000000 so the first id is 0x0f000001 (protocol.md §2.5). */
  constructor(initialId = 0, private readonly nowSeconds: NowSeconds = systemNowSeconds) {
    this.#id = initialId >>> 0;
  }

  next(): { id: number; timeSeconds: number } {
    this.#timeSeconds ??= this.nowSeconds() >>> 0;
    if (this.#id === PACKET_ID_MAX) {
      // 2.x rolls the long form over by moving net_time on (it refuses to send within the
      // same second; we step the time instead, which the receiver accepts as "newer").
      this.#timeSeconds = Math.max(this.nowSeconds() >>> 0, this.#timeSeconds + 1) >>> 0;
      this.#id = 0;
    }
    this.#id++;
    return { id: this.#id, timeSeconds: this.#timeSeconds };
  }

  /** Writes the next packet-id at `offset` of `out`. */
  writeNext(out: Buffer, offset: number): void {
    const { id, timeSeconds } = this.next();
    out.writeUInt32BE(id, offset);
    out.writeUInt32BE(timeSeconds, offset + 4);
  }
}

/** replay-window default (ovpn:packet_id.h DEFAULT_SEQ_BACKTRACK). */
const WINDOW = 64;
const WINDOW_MASK = (1n << BigInt(WINDOW)) - 1n;

/**
 * The receive side. 2.x additionally expires entries older than 15 s (replay-window's
 * time argument); we do not, which only makes us more tolerant of late duplicates on a
 * path that is authenticated anyway.
 */
export class LongPacketIdWindow {
  #timeSeconds = -1;
  #highest = 0;
  /** Bit i set: id (highest - i) was seen. */
  #seen = 0n;

  /** True if (id, time) is new; does not record it (call commit after authentication). */
  isFresh(id: number, timeSeconds: number): boolean {
    if (id === 0) return false;
    if (timeSeconds < this.#timeSeconds) return false;
    if (timeSeconds > this.#timeSeconds) return true;
    if (id > this.#highest) return true;
    const age = this.#highest - id;
    if (age >= WINDOW) return false;
    return (this.#seen & (1n << BigInt(age))) === 0n;
  }

  commit(id: number, timeSeconds: number): void {
    if (timeSeconds > this.#timeSeconds) {
      this.#timeSeconds = timeSeconds;
      this.#highest = id;
      this.#seen = 1n;
      return;
    }
    if (id > this.#highest) {
      const shift = id - this.#highest;
      this.#seen = shift >= WINDOW ? 1n : ((this.#seen << BigInt(shift)) | 1n) & WINDOW_MASK;
      this.#highest = id;
      return;
    }
    this.#seen |= 1n << BigInt(this.#highest - id);
  }

  /** Reads a packet-id at `offset`; checks, and on success records it. */
  acceptAt(bytes: Buffer, offset: number): boolean {
    const id = bytes.readUInt32BE(offset);
    const timeSeconds = bytes.readUInt32BE(offset + 4);
    if (!this.isFresh(id, timeSeconds)) return false;
    this.commit(id, timeSeconds);
    return true;
  }
}
