/**
 * The "long form" packet-id of tls-auth and tls-crypt: `id (4) | net_time (4)`
 * (ovpn:packet_id.c packet_id_write / packet_id_test, protocol.md §2.2).
 *
 * Sending: the time is fixed at the first send and the id grows by one on every
 * transmission, retransmits included. Receiving: an older time is a replay, a newer
 * time starts a fresh window, an equal time checks a 64-id sliding window.
 */
export class LongPacketIdSender {
  #id: number;
  #timeSeconds: number | undefined;

  /** tls-crypt-v2 starts at 0x0f000000 so the first id is 0x0f000001 ("early negotiation"). */
  constructor(initialId = 0, private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {
    this.#id = initialId;
  }

  next(): { id: number; timeSeconds: number } {
    this.#timeSeconds ??= this.nowSeconds();
    this.#id = (this.#id + 1) >>> 0;
    return { id: this.#id, timeSeconds: this.#timeSeconds };
  }
}

const WINDOW = 64;

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
      this.#seen = shift >= WINDOW ? 1n : ((this.#seen << BigInt(shift)) | 1n) & ((1n << BigInt(WINDOW)) - 1n);
      this.#highest = id;
      return;
    }
    this.#seen |= 1n << BigInt(this.#highest - id);
  }
}
