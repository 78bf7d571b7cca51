import { BARE_ACKS, PIGGYBACK_ACKS } from './constants';
import { ReceiveWindow, type DeliveredMessage } from './receive-window';
import { SendWindow, type SendWindowOptions } from './send-window';

export type { DeliveredMessage } from './receive-window';

/** A message as it goes out: the session turns it into a control packet with these ACKs. */
export interface OutgoingMessage {
  messageId: number;
  /** Chosen by the session at queue time (reset, P_CONTROL_V1, P_CONTROL_WKC_V1, …). */
  opcode: number;
  payload: Buffer;
  /** ACK ids to put in this packet (≤ piggybackAcks); empty is fine. */
  acks: number[];
  isRetransmit: boolean;
}

/** The reliability-relevant part of a received control packet (after parsing). */
export interface IncomingControl {
  acks: readonly number[];
  /** Absent in P_ACK_V1. */
  messageId?: number;
  opcode: number;
  payload: Buffer;
}

export interface ReliableOptions extends SendWindowOptions {
  receiveWindow?: number;
  /** ACKs attached to each message (CONTROL_SEND_ACK_MAX = 4). */
  piggybackAcks?: number;
  /** Fill spare ACK slots with recently sent ACKs, as 2.x does (default true). */
  resendRecentAcks?: boolean;
}

/**
 * The reliability layer of one key_id (ovpn:reliable.c; protocol.md §3), sans-IO: time
 * comes in as `nowMs`, and `nextDeadlineMs()` says when to call `takeOutgoing` again.
 * A new key_id gets a fresh instance, so message ids restart at 0 each way.
 *
 * How the session drives it, per key_id:
 *   queue(payload, opcode)     a reset, TLS ciphertext, …; ids are assigned in order
 *   onPacket(parsed control)   frees ACKed messages, returns payloads now in order
 *   takeOutgoing(nowMs)        new messages within the send window + due retransmits,
 *                              each with ≤ 4 ACKs attached; wrap each one anew
 *   takeBareAcks(max)          what no message carried → send a P_ACK_V1 at once
 *   nextDeadlineMs()           arm the session's single timer
 */
export class ReliableLayer {
  readonly #send: SendWindow;
  readonly #receive: ReceiveWindow;
  readonly #piggybackAcks: number;
  readonly #resendRecentAcks: boolean;

  constructor(options: ReliableOptions = {}) {
    this.#send = new SendWindow(options);
    this.#receive = new ReceiveWindow(options.receiveWindow);
    this.#piggybackAcks = options.piggybackAcks ?? PIGGYBACK_ACKS;
    this.#resendRecentAcks = options.resendRecentAcks ?? true;
  }

  /** Queues one reliable message; returns its message id. */
  queue(payload: Buffer, opcode: number): number {
    return this.#send.queue(payload, opcode);
  }

  /** Messages due now (new ones within the window, then expired retransmits), ACKs attached. */
  takeOutgoing(nowMs: number): OutgoingMessage[] {
    return this.#send.takeDue(nowMs).map((due) => ({
      ...due, acks: this.#receive.takeAcks(this.#piggybackAcks, this.#resendRecentAcks),
    }));
  }

  /**
   * ACKs no outgoing message carried (≤ max; BARE_ACKS_CONSERVATIVE for unknown peers).
   * Empty when nothing is owed, so "non-empty" means "send a P_ACK_V1 now"; call again
   * while non-empty.
   */
  takeBareAcks(max = BARE_ACKS): number[] {
    if (this.#receive.pendingAckCount === 0) return [];
    return this.#receive.takeAcks(max, this.#resendRecentAcks);
  }

  /**
   * Takes one received control packet (after the session checked session ids): its ACKs
   * free our messages; its message, if any, is ACKed and buffered. Returns whatever
   * became deliverable, in order, each message exactly once.
   */
  onPacket(packet: IncomingControl): DeliveredMessage[] {
    if (packet.acks.length > 0) this.#send.onAcks(packet.acks);
    if (packet.messageId === undefined) return [];
    return this.#receive.receive(packet.messageId, packet.opcode, packet.payload);
  }

  /**
   * When to call takeOutgoing/takeBareAcks next: undefined if nothing waits on time, a
   * value ≤ now (0) if something is due already (a queued message with room in the
   * window, an early resend, or owed ACKs).
   */
  nextDeadlineMs(): number | undefined {
    if (this.#receive.pendingAckCount > 0) return 0;
    return this.#send.nextDeadlineMs();
  }

  /** True when every queued message was sent and ACKed. */
  allAcked(): boolean {
    return this.#send.isIdle;
  }

  isAcked(messageId: number): boolean {
    return this.#send.isAcked(messageId);
  }

  get hasPendingAcks(): boolean {
    return this.#receive.pendingAckCount > 0;
  }

  get pendingAckCount(): number {
    return this.#receive.pendingAckCount;
  }

  /** The next message id we expect from the peer. */
  get nextReceiveId(): number {
    return this.#receive.nextExpectedId;
  }

  get inFlightCount(): number {
    return this.#send.inFlightCount;
  }

  /** Transmissions beyond the first, over the layer's life (for counters). */
  get retransmissions(): number {
    return this.#send.retransmissions;
  }
}
