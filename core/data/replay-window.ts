import { REPLAY_WINDOW_SIZE } from './constants';

export type ReplayDrop = 'data.bad_packet_id' | 'data.replay' | 'data.replay_window';

const BLOCK_BITS = 32;
/** Ring of 4 × 32 bits (RFC 6479): one block more than the window needs, so advancing clears whole blocks. */
const BLOCKS = 4;
const RING_BITS = BLOCK_BITS * BLOCKS;

/**
 * Sliding-window replay check over the packet-ids of one key and direction
 * (32-bit, or the 48-bit per-epoch counters of 2.7's epoch format: ids are plain
 * numbers, exact up to 2^53), like 2.x's `replay-window 64` (ovpn:packet_id.c packet_id_test):
 * an id above the highest seen is fresh; one within 64 below it is fresh if
 * not seen yet; anything older is refused. Id 0 is never valid.
 *
 * `test` and `commit` are separate so that only authenticated packets move the
 * window: test → decrypt/verify → commit. Not safe for concurrent use (nothing
 * in Node is).
 */
export class ReplayWindow {
  #highest = 0;
  readonly #bits = new Uint32Array(BLOCKS);

  /** null when `id` may be accepted; otherwise why not. */
  test(id: number): ReplayDrop | null {
    if (id === 0) return 'data.bad_packet_id';
    if (id > this.#highest) return null;
    if (this.#highest - id >= REPLAY_WINDOW_SIZE) return 'data.replay_window';
    return this.#isSet(id) ? 'data.replay' : null;
  }

  /** Records `id` (which passed `test` and authenticated). */
  commit(id: number): void {
    if (id > this.#highest) {
      const from = Math.floor(this.#highest / BLOCK_BITS);
      const to = Math.floor(id / BLOCK_BITS);
      const clear = Math.min(to - from, BLOCKS);
      for (let i = 1; i <= clear; i++) this.#bits[(from + i) % BLOCKS] = 0;
      this.#highest = id;
    }
    const bit = id % RING_BITS;
    const block = Math.floor(bit / BLOCK_BITS);
    this.#bits[block] = (this.#bits[block] ?? 0) | (1 << (bit % BLOCK_BITS));
  }

  /** Highest id committed so far (0 = none). */
  get highest(): number {
    return this.#highest;
  }

  #isSet(id: number): boolean {
    const bit = id % RING_BITS;
    return (((this.#bits[Math.floor(bit / BLOCK_BITS)] ?? 0) >>> (bit % BLOCK_BITS)) & 1) === 1;
  }
}
