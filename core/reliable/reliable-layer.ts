import {
  BARE_ACKS, INITIAL_RETRANSMIT_MS, MAX_RETRANSMIT_MS, PIGGYBACK_ACKS, RECEIVE_WINDOW, SEND_WINDOW,
} from './constants';

/** A message as it goes out: the session turns it into a control packet with these ACKs. */
/** How many recently sent ACK ids we remember for re-sending. */
const RECENT_ACKS = 8;

export interface OutgoingMessage {
  messageId: number;
  opcode: number;
  payload: Buffer;
  acks: number[];
  isRetransmit: boolean;
}

/** A received message, delivered in message-id order exactly once. */
export interface DeliveredMessage {
  opcode: number;
  payload: Buffer;
}

interface InFlight {
  opcode: number;
  payload: Buffer;
  sendAtMs: number;
  retransmitMs: number;
  sent: boolean;
}

/**
 * The reliability layer of one key_id (ovpn:reliable.c), sans-IO: time comes in as an
 * argument. Message ids start at 0 and grow without gaps; ACKs are individual, not
 * cumulative; every in-window packet is ACKed, duplicates too, so a lost ACK is repaired.
 */
export class ReliableLayer {
  #nextSendId = 0;
  readonly #waiting: Array<{ opcode: number; payload: Buffer }> = [];
  readonly #inFlight = new Map<number, InFlight>();
  #nextReceiveId = 0;
  readonly #received = new Map<number, DeliveredMessage>();
  #pendingAcks: number[] = [];
  /** Ids we ACKed lately, re-sent in spare ACK slots (ovpn:reliable.c copy_acks_to_mru). */
  #recentAcks: number[] = [];
  retransmissions = 0;

  queue(payload: Buffer, opcode: number): void {
    this.#waiting.push({ opcode, payload });
  }

  allAcked(): boolean {
    return this.#waiting.length === 0 && this.#inFlight.size === 0;
  }

  /** New messages that fit the send window, and retransmissions that are due, with ACKs attached. */
  takeOutgoing(nowMs: number): OutgoingMessage[] {
    this.#admitWaiting(nowMs);
    const out: OutgoingMessage[] = [];
    for (const [messageId, entry] of this.#inFlight) {
      if (entry.sendAtMs > nowMs) continue;
      const isRetransmit = entry.sent;
      if (isRetransmit) {
        this.retransmissions++;
        entry.retransmitMs = Math.min(entry.retransmitMs * 2, MAX_RETRANSMIT_MS);
      }
      entry.sent = true;
      entry.sendAtMs = nowMs + entry.retransmitMs;
      out.push({ messageId, opcode: entry.opcode, payload: entry.payload, acks: this.#acksFor(isRetransmit), isRetransmit });
    }
    return out;
  }

  /** ACKs no outgoing message carried: they go out at once in a P_ACK_V1. */
  takeBareAcks(): number[] {
    return this.#takeAcks(BARE_ACKS);
  }

  get hasPendingAcks(): boolean {
    return this.#pendingAcks.length > 0;
  }

  nextDeadlineMs(): number | undefined {
    let next: number | undefined;
    for (const entry of this.#inFlight.values()) if (next === undefined || entry.sendAtMs < next) next = entry.sendAtMs;
    return next;
  }

  /**
   * Takes one received control packet: its ACKs free our messages, its message (if any)
   * is ACKed and buffered; returns whatever became deliverable in order.
   */
  onPacket(packet: { acks: readonly number[]; messageId?: number; opcode: number; payload: Buffer }): DeliveredMessage[] {
    for (const id of packet.acks) this.#inFlight.delete(id);
    const id = packet.messageId;
    if (id === undefined) return [];
    if (id >= this.#nextReceiveId + RECEIVE_WINDOW) return []; // ahead of the window: dropped un-ACKed
    if (!this.#pendingAcks.includes(id)) this.#pendingAcks.push(id);
    if (id >= this.#nextReceiveId && !this.#received.has(id)) {
      this.#received.set(id, { opcode: packet.opcode, payload: Buffer.from(packet.payload) });
    }
    const delivered: DeliveredMessage[] = [];
    for (let next = this.#received.get(this.#nextReceiveId); next; next = this.#received.get(this.#nextReceiveId)) {
      this.#received.delete(this.#nextReceiveId);
      this.#nextReceiveId++;
      delivered.push(next);
    }
    return delivered;
  }

  #admitWaiting(nowMs: number): void {
    const oldestUnacked = this.#inFlight.size > 0 ? Math.min(...this.#inFlight.keys()) : this.#nextSendId;
    while (this.#waiting.length > 0 && this.#inFlight.size < SEND_WINDOW && this.#nextSendId < oldestUnacked + SEND_WINDOW) {
      const message = this.#waiting.shift() as { opcode: number; payload: Buffer };
      this.#inFlight.set(this.#nextSendId++, { ...message, sendAtMs: nowMs, retransmitMs: INITIAL_RETRANSMIT_MS, sent: false });
    }
  }

  #takeAcks(max: number): number[] {
    const acks = this.#pendingAcks.splice(0, max);
    this.#recentAcks = [...acks, ...this.#recentAcks.filter((id) => !acks.includes(id))].slice(0, RECENT_ACKS);
    return acks;
  }

  /**
   * ACKs for one message. A retransmission also repeats recent ACKs: if the packet that
   * first carried an ACK was lost, the peer never saw it. This matters for the server's
   * reset, which a 2.6 server never retransmits and whose ACK must ride on our message 1
   * (a CONTROL_V1 without ACKs is dropped by its stateless cookie check, protocol.md §3).
   */
  #acksFor(isRetransmit: boolean): number[] {
    const acks = this.#takeAcks(PIGGYBACK_ACKS);
    if (!isRetransmit) return acks;
    for (const id of this.#recentAcks) {
      if (acks.length >= PIGGYBACK_ACKS) break;
      if (!acks.includes(id)) acks.push(id);
    }
    return acks;
  }
}
