import { ok, type Result } from '../wire/result';

/** Why an incoming control packet was dropped by the wrap layer (counted, never thrown). */
export type WrapDrop =
  /** Shorter than the wrap's own header. */
  | 'wrap.truncated'
  /** tls-auth HMAC mismatch: wrong key, wrong key-direction, wrong digest, or tampering. */
  | 'wrap.bad_hmac'
  /** tls-crypt / tls-crypt-v2 tag mismatch. */
  | 'wrap.bad_tag'
  /** The (net_time, replay id) pair was seen before or is too old. */
  | 'wrap.replay';

/**
 * Protection of control packets (protocol.md §2.2–§2.6). `plain` is the control packet
 * in its plain layout (op | sid | acks … | payload, see packet/control-packet.ts); `wire`
 * is what crosses the network.
 *
 * `wrap` must be called once per transmission, retransmits included: each call takes a
 * fresh replay id (the server rejects a re-sent copy as a replay). `unwrap` checks
 * authenticity first and only then records the replay id, so a forged packet cannot
 * poison the replay window.
 */
export interface ControlWrap {
  readonly kind: 'none' | 'tls-auth' | 'tls-crypt' | 'tls-crypt-v2';
  wrap(plain: Buffer): Buffer;
  unwrap(wire: Buffer): Result<Buffer, WrapDrop>;
  /** Bytes `wrap` adds to every packet, for sizing control packets within tls-mtu. */
  readonly overheadBytes: number;
}

/** No tls-auth/tls-crypt: the plain packet is the wire packet. */
export class NoWrap implements ControlWrap {
  readonly kind = 'none';
  readonly overheadBytes = 0;

  wrap(plain: Buffer): Buffer {
    return plain;
  }

  unwrap(wire: Buffer): Result<Buffer, WrapDrop> {
    return ok(wire);
  }
}

/** NoWrap keeps no state, so one instance serves everybody. */
export const noWrap: ControlWrap = new NoWrap();
