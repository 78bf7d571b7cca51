import { MAX_PENDING_ACKS, RECEIVE_WINDOW, RECENT_ACKS } from './constants';

/** A received message, delivered in message-id order exactly once. */
export interface DeliveredMessage {
  messageId: number;
  opcode: number;
  payload: Buffer;
}

/**
 * The receiving half of one key_id's reliability layer (ovpn:ssl.c tls_pre_decrypt,
 * reliable.c): ids in `[next, next + windowSize)` are buffered and delivered in order;
 * every id below `next + windowSize` is ACKed, duplicates and already delivered ones
 * too (the peer lost our ACK); ids beyond the window are dropped un-ACKed so the peer
 * retransmits them later. ACKs are individual ids, not cumulative.
 */
export class ReceiveWindow {
  readonly #windowSize: number;
  #next = 0;
  readonly #buffered = new Map<number, DeliveredMessage>();
  /** ACKs owed to the peer, oldest first, no duplicates. */
  #pending: number[] = [];
  /** ACKs sent lately, newest first: they fill spare ACK slots again (copy_acks_to_mru). */
  #recent: number[] = [];

  constructor(windowSize = RECEIVE_WINDOW) {
    this.#windowSize = windowSize;
  }

  get nextExpectedId(): number {
    return this.#next;
  }

  get pendingAckCount(): number {
    return this.#pending.length;
  }

  /** Takes one message; returns what became deliverable, in order (maybe nothing). */
  receive(messageId: number, opcode: number, payload: Buffer): DeliveredMessage[] {
    if (messageId >= this.#next + this.#windowSize) return [];
    if (!this.#pending.includes(messageId) && this.#pending.length < MAX_PENDING_ACKS) this.#pending.push(messageId);
    if (messageId < this.#next || this.#buffered.has(messageId)) return [];
    // Our own copy: the packet buffer may be reused once this returns.
    this.#buffered.set(messageId, { messageId, opcode, payload: Buffer.from(payload) });
    const delivered: DeliveredMessage[] = [];
    for (let message = this.#buffered.get(this.#next); message; message = this.#buffered.get(this.#next)) {
      this.#buffered.delete(this.#next);
      this.#next++;
      delivered.push(message);
    }
    return delivered;
  }

  /**
   * ACK ids for one outgoing packet: owed ones first (at most `max`), then, if
   * `fillWithRecent`, recently sent ones in the spare slots. Owed ids taken here are
   * no longer owed.
   */
  takeAcks(max: number, fillWithRecent: boolean): number[] {
    const acks = this.#pending.splice(0, max);
    this.#recent = [...acks.slice().reverse(), ...this.#recent.filter((id) => !acks.includes(id))].slice(0, RECENT_ACKS);
    if (fillWithRecent) {
      for (const id of this.#recent) {
        if (acks.length >= max) break;
        if (!acks.includes(id)) acks.push(id);
      }
    }
    return acks;
  }
}
