import { randomBytes } from 'node:crypto';
import {
  P_ACK_V1, P_CONTROL_HARD_RESET_CLIENT_V2, P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_HARD_RESET_SERVER_V2, P_CONTROL_SOFT_RESET_V1,
} from '../packet/constants';
import { encodeControlPacket, parseControlPacket, type ControlPacket } from '../packet/control-packet';
import type { PacketErrorCode } from '../packet/packet-error';
import type { ControlWrap, WrapDrop } from '../wrap/control-wrap';
import { ReliableLayer } from './reliable-layer';

/** What a received control packet means for the session, after all checks. */
export interface ControlDelivery {
  keyId: number;
  opcode: number;
  /** Payloads that became deliverable in order (the peer's reset, TLS ciphertext). */
  messages: Array<{ opcode: number; payload: Buffer }>;
}

/** Why the control link refused a packet (counted by the session, never thrown). */
export type ControlLinkDrop =
  | WrapDrop
  | PacketErrorCode
  | 'control.ack_wrong_session'
  | 'control.unknown_key_id'
  | 'control.before_server_reset'
  | 'control.wrong_session_id';

export interface ControlLinkSinks {
  send(packet: Buffer): void;
  drop(reason: ControlLinkDrop): void;
}

/** We are always the client; the server role exists for tests that run both ends (reliable-lossy.test.ts). */
export type ControlLinkRole = 'client' | 'server';

/**
 * The control channel below TLS: session ids, wrapping, and one reliable layer per
 * key_id (a new key_id starts a fresh reliable layer at message id 0, protocol.md §3).
 */
export class ControlLink {
  readonly ownSessionId: Buffer = randomNonZeroSessionId();
  #remoteSessionId: Buffer | undefined;
  readonly #reliable = new Map<number, ReliableLayer>();

  constructor(
    private wrapFor: (keyId: number) => ControlWrap,
    private readonly sinks: ControlLinkSinks,
    private readonly role: ControlLinkRole = 'client',
  ) {}

  get remoteSessionId(): Buffer | undefined {
    return this.#remoteSessionId;
  }

  /** dyn-tls-crypt swaps the wrap of key_id > 0 once derived. */
  setWrapSelector(wrapFor: (keyId: number) => ControlWrap): void {
    this.wrapFor = wrapFor;
  }

  openKey(keyId: number): void {
    this.#reliable.set(keyId, new ReliableLayer());
  }

  closeKey(keyId: number): void {
    this.#reliable.delete(keyId);
  }

  hasKey(keyId: number): boolean {
    return this.#reliable.has(keyId);
  }

  /** Queues one reliable message (a reset, or a piece of TLS ciphertext) for `keyId`. */
  queue(keyId: number, opcode: number, payload: Buffer): void {
    this.#reliable.get(keyId)?.queue(payload, opcode);
  }

  /** The reliable layer of `keyId`, read-only use (tests check windows and retransmissions). */
  reliable(keyId: number): ReliableLayer | undefined {
    return this.#reliable.get(keyId);
  }

  /** True when every message queued on `keyId` was acknowledged by the server. */
  allAcked(keyId: number): boolean {
    return this.#reliable.get(keyId)?.allAcked() ?? true;
  }

  /** Transmits what is due now on every key: new messages, retransmissions, bare ACKs. */
  flush(nowMs: number): void {
    for (const [keyId, reliable] of this.#reliable) {
      for (const out of reliable.takeOutgoing(nowMs)) {
        this.#transmit({
          opcode: out.opcode, keyId, sessionId: this.ownSessionId, acks: out.acks,
          remoteSessionId: out.acks.length > 0 ? this.#remoteSessionId : undefined,
          messageId: out.messageId, payload: out.payload,
        });
      }
      // ACKs nobody carried: a P_ACK_V1 at once (protocol.md §3).
      const acks = reliable.takeBareAcks();
      if (acks.length > 0 && this.#remoteSessionId) {
        this.#transmit({ opcode: P_ACK_V1, keyId, sessionId: this.ownSessionId, acks, remoteSessionId: this.#remoteSessionId, payload: Buffer.alloc(0) });
      }
    }
  }

  nextDeadlineMs(): number | undefined {
    let next: number | undefined;
    for (const reliable of this.#reliable.values()) {
      const deadline = reliable.nextDeadlineMs();
      if (deadline !== undefined && (next === undefined || deadline < next)) next = deadline;
    }
    return next;
  }

  /**
   * Unwraps, parses and checks one control packet. Returns undefined (after counting a
   * drop) for anything that does not belong to this session.
   */
  receive(wire: Buffer, keyId: number): ControlDelivery | undefined {
    const plain = this.wrapFor(keyId).unwrap(wire);
    if (!plain.ok) return this.#drop(plain.error);
    const parsed = parseControlPacket(plain.value);
    if (!parsed.ok) return this.#drop(parsed.error.code);
    const packet = parsed.value;
    if (!this.#acceptSessionId(packet)) return undefined;
    if (packet.acks.length > 0 && !packet.remoteSessionId?.equals(this.ownSessionId)) {
      return this.#drop('control.ack_wrong_session');
    }
    if (packet.opcode === P_CONTROL_SOFT_RESET_V1 && !this.#reliable.has(packet.keyId)) this.openKey(packet.keyId);
    const reliable = this.#reliable.get(packet.keyId);
    if (!reliable) return this.#drop('control.unknown_key_id');
    const messages = reliable.onPacket({ acks: packet.acks, messageId: packet.messageId, payload: packet.payload, opcode: packet.opcode });
    return { keyId: packet.keyId, opcode: packet.opcode, messages };
  }

  #acceptSessionId(packet: ControlPacket): boolean {
    if (!this.#remoteSessionId) {
      if (!isOpeningReset(this.role, packet.opcode)) {
        this.#drop('control.before_server_reset');
        return false;
      }
      this.#remoteSessionId = Buffer.from(packet.sessionId);
      return true;
    }
    if (!packet.sessionId.equals(this.#remoteSessionId)) {
      this.#drop('control.wrong_session_id');
      return false;
    }
    return true;
  }

  #transmit(packet: ControlPacket): void {
    this.sinks.send(this.wrapFor(packet.keyId).wrap(encodeControlPacket(packet)));
  }

  #drop(reason: ControlLinkDrop): undefined {
    this.sinks.drop(reason);
    return undefined;
  }
}

/** The first packet from the peer must be its hard reset (protocol.md §3 step 1–2). */
function isOpeningReset(role: ControlLinkRole, opcode: number): boolean {
  if (role === 'client') return opcode === P_CONTROL_HARD_RESET_SERVER_V2;
  return opcode === P_CONTROL_HARD_RESET_CLIENT_V2 || opcode === P_CONTROL_HARD_RESET_CLIENT_V3;
}

function randomNonZeroSessionId(): Buffer {
  for (;;) {
    const id = randomBytes(8);
    if (!id.every((b) => b === 0)) return id;
  }
}
