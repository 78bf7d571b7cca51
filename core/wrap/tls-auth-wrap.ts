import { createHmac } from 'node:crypto';
import { BugError } from '../wire/errors';
import { constantTimeEqual } from '../wire/hex';
import { err, ok, type Result } from '../wire/result';
import type { ControlWrap, WrapDrop } from './control-wrap';
import { LongPacketIdSender, LongPacketIdWindow, PACKET_ID_BYTES, type NowSeconds } from './long-packet-id';
import { STATIC_KEY_BYTES, keySlots } from './static-key';
import { resolveTlsAuthDigest } from './tls-auth-digest';

export { isTlsAuthDigest } from './tls-auth-digest';

export interface TlsAuthOptions {
  /** The 256-byte static key (parseStaticKeyFile). */
  staticKey: Buffer;
  /** `key-direction`: clients normally use 1 (server 0); undefined = bidirectional. */
  direction?: 0 | 1 | undefined;
  /** `--auth` digest name, default SHA1. Check it first with isTlsAuthDigest. */
  digest?: string;
  /** Clock for net_time (seconds); default the system clock. */
  nowSeconds?: NowSeconds;
}

const HEADER_BYTES = 1 + 8; // op | own session id

/**
 * tls-auth (protocol.md §2.2; ovpn:ssl_pkt.c swap_hmac, crypto.c openvpn_encrypt_v1):
 *
 *   wire:       | op (1) | sid (8) | HMAC (H) | replay id (4) | net_time (4) | acks … payload |
 *   HMAC input: | replay id | net_time | op | sid | acks … payload |
 *
 * Key slots by `key-direction` (§2.4): 1 sends with K1.hmac and checks with K0.hmac,
 * 0 the opposite, none uses K0.hmac both ways. A server-side instance for tests is
 * simply the opposite direction.
 */
export class TlsAuthWrap implements ControlWrap {
  readonly kind = 'tls-auth';
  readonly overheadBytes: number;
  readonly #algorithm: string;
  readonly #hmacBytes: number;
  readonly #sendKey: Buffer;
  readonly #receiveKey: Buffer;
  readonly #sender: LongPacketIdSender;
  readonly #window = new LongPacketIdWindow();

  constructor(options: TlsAuthOptions);
  /** @deprecated positional form; use the options object. */
  constructor(staticKey: Buffer, direction: 0 | 1 | undefined, digest?: string);
  constructor(first: TlsAuthOptions | Buffer, direction?: 0 | 1, digest?: string) {
    const options = Buffer.isBuffer(first) ? { staticKey: first, direction, digest } : first;
    const spec = resolveTlsAuthDigest(options.digest ?? 'SHA1');
    if (!spec) throw new BugError(`tls-auth: unsupported digest ${options.digest}`);
    if (options.staticKey.length !== STATIC_KEY_BYTES) throw new BugError('tls-auth: the static key must be 256 bytes');
    this.#algorithm = spec.algorithm;
    this.#hmacBytes = spec.bytes;
    const slots = keySlots(options.staticKey);
    const send = options.direction === 1 ? slots.k1Hmac : slots.k0Hmac;
    const receive = options.direction === 0 ? slots.k1Hmac : slots.k0Hmac;
    this.#sendKey = Buffer.from(send.subarray(0, spec.bytes));
    this.#receiveKey = Buffer.from(receive.subarray(0, spec.bytes));
    this.#sender = new LongPacketIdSender(0, options.nowSeconds);
    this.overheadBytes = spec.bytes + PACKET_ID_BYTES;
  }

  wrap(plain: Buffer): Buffer {
    if (plain.length < HEADER_BYTES) throw new BugError('tls-auth: a control packet has at least op and session id');
    const out = Buffer.allocUnsafe(plain.length + this.overheadBytes);
    const packetIdOffset = HEADER_BYTES + this.#hmacBytes;
    plain.copy(out, 0, 0, HEADER_BYTES);
    this.#sender.writeNext(out, packetIdOffset);
    plain.copy(out, packetIdOffset + PACKET_ID_BYTES, HEADER_BYTES);
    const hmac = createHmac(this.#algorithm, this.#sendKey)
      .update(out.subarray(packetIdOffset, packetIdOffset + PACKET_ID_BYTES))
      .update(plain)
      .digest();
    hmac.copy(out, HEADER_BYTES);
    return out;
  }

  unwrap(wire: Buffer): Result<Buffer, WrapDrop> {
    const packetIdOffset = HEADER_BYTES + this.#hmacBytes;
    const bodyOffset = packetIdOffset + PACKET_ID_BYTES;
    if (wire.length < bodyOffset) return err('wrap.truncated');
    const header = wire.subarray(0, HEADER_BYTES);
    const body = wire.subarray(bodyOffset);
    const expected = createHmac(this.#algorithm, this.#receiveKey)
      .update(wire.subarray(packetIdOffset, bodyOffset)).update(header).update(body).digest();
    if (!constantTimeEqual(wire.subarray(HEADER_BYTES, packetIdOffset), expected)) return err('wrap.bad_hmac');
    if (!this.#window.acceptAt(wire, packetIdOffset)) return err('wrap.replay');
    return ok(Buffer.concat([header, body]));
  }
}
