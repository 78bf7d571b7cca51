import { BugError } from '../wire/errors';
import { INITIAL_RETRANSMIT_MS, MAX_RETRANSMIT_MS, N_ACK_RETRANSMIT, SEND_WINDOW } from './constants';

/** A message due for transmission now, before ACKs are attached. */
export interface DueMessage {
  messageId: number;
  opcode: number;
  payload: Buffer;
  isRetransmit: boolean;
}

interface InFlight {
  opcode: number;
  payload: Buffer;
  sent: boolean;
  sendAtMs: number;
  retransmitMs: number;
  /** ACKs seen for later ids since the last transmission. */
  laterAcks: number;
}

export interface SendWindowOptions {
  windowSize?: number;
  initialRetransmitMs?: number;
  /** Cap on the doubling (default MAX_RETRANSMIT_MS; Infinity behaves exactly like 2.x). */
  maxRetransmitMs?: number;
}

/**
 * The sending half of one key_id's reliability layer (ovpn:reliable.c): ids from 0 without
 * gaps, at most `windowSize` unacknowledged and never an id at or beyond
 * `oldest unacked + windowSize`; each transmission schedules the next one after a timeout
 * that doubles up to a cap; three ACKs that free later ids make a message due at once
 * (with a window of 6 that can happen at most once per message).
 */
export class SendWindow {
  readonly #windowSize: number;
  readonly #initialRetransmitMs: number;
  readonly #maxRetransmitMs: number;
  readonly #waiting: Array<{ opcode: number; payload: Buffer }> = [];
  readonly #inFlight = new Map<number, InFlight>();
  #nextId = 0;
  #retransmissions = 0;

  constructor(options: SendWindowOptions = {}) {
    this.#windowSize = options.windowSize ?? SEND_WINDOW;
    this.#initialRetransmitMs = options.initialRetransmitMs ?? INITIAL_RETRANSMIT_MS;
    this.#maxRetransmitMs = options.maxRetransmitMs ?? MAX_RETRANSMIT_MS;
  }

  /** Queues a message; returns the id it will carry. */
  queue(payload: Buffer, opcode: number): number {
    if (!Number.isInteger(opcode)) throw new BugError(`reliable: opcode ${opcode}`);
    this.#waiting.push({ opcode, payload });
    // Waiting messages get ids in queue order, after every admitted one.
    return this.#nextId + this.#waiting.length - 1;
  }

  get retransmissions(): number {
    return this.#retransmissions;
  }

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  get isIdle(): boolean {
    return this.#waiting.length === 0 && this.#inFlight.size === 0;
  }

  /** True once the message with this id was sent and ACKed. */
  isAcked(messageId: number): boolean {
    return messageId < this.#nextId && !this.#inFlight.has(messageId);
  }

  /** Admits waiting messages into the window, then returns everything due, lowest id first. */
  takeDue(nowMs: number): DueMessage[] {
    this.#admit(nowMs);
    const due: DueMessage[] = [];
    for (const [messageId, entry] of this.#inFlight) {
      if (entry.sendAtMs > nowMs && entry.laterAcks < N_ACK_RETRANSMIT) continue;
      const isRetransmit = entry.sent;
      if (isRetransmit) this.#retransmissions++;
      entry.sent = true;
      entry.sendAtMs = nowMs + entry.retransmitMs;
      entry.retransmitMs = Math.min(entry.retransmitMs * 2, this.#maxRetransmitMs);
      entry.laterAcks = 0;
      due.push({ messageId, opcode: entry.opcode, payload: entry.payload, isRetransmit });
    }
    return due;
  }

  /**
   * The peer ACKed these ids (duplicates and unknown ids are harmless). Only an ACK that
   * frees a message counts towards the early resend of older ones: 2.x counts every ACK
   * id, but its peers repeat recent ACKs in every packet (copy_acks_to_mru), so counting
   * repeats would resend a message again on each packet the peer sends.
   */
  onAcks(ids: readonly number[]): void {
    for (const acked of ids) {
      if (!this.#inFlight.delete(acked)) continue;
      for (const [messageId, entry] of this.#inFlight) if (messageId < acked) entry.laterAcks++;
    }
  }

  /**
   * When takeDue will next return something: undefined if nothing waits for time,
   * a value ≤ now if something is due already.
   */
  nextDeadlineMs(): number | undefined {
    if (this.#waiting.length > 0 && this.#hasRoom()) return 0;
    let next: number | undefined;
    for (const entry of this.#inFlight.values()) {
      const at = entry.laterAcks >= N_ACK_RETRANSMIT ? 0 : entry.sendAtMs;
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  #hasRoom(): boolean {
    if (this.#inFlight.size >= this.#windowSize) return false;
    let oldest = this.#nextId;
    for (const id of this.#inFlight.keys()) if (id < oldest) oldest = id;
    return this.#nextId < oldest + this.#windowSize;
  }

  #admit(nowMs: number): void {
    while (this.#waiting.length > 0 && this.#hasRoom()) {
      const message = this.#waiting.shift() as { opcode: number; payload: Buffer };
      this.#inFlight.set(this.#nextId++, {
        ...message, sent: false, sendAtMs: nowMs, retransmitMs: this.#initialRetransmitMs, laterAcks: 0,
      });
    }
  }
}
