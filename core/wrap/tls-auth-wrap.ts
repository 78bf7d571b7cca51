import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../wire/hex';
import { err, ok, type Result } from '../wire/result';
import type { ControlWrap, WrapDrop } from './control-wrap';
import { LongPacketIdSender, LongPacketIdWindow } from './long-packet-id';
import { keySlots } from './static-key';

const HEADER_BYTES = 1 + 8; // op | own session id
const PACKET_ID_BYTES = 8; // replay id | net_time

/** `auth` digest names → node:crypto algorithm and HMAC size. */
const DIGESTS: Record<string, { algorithm: string; bytes: number }> = {
  SHA1: { algorithm: 'sha1', bytes: 20 },
  SHA224: { algorithm: 'sha224', bytes: 28 },
  SHA256: { algorithm: 'sha256', bytes: 32 },
  SHA384: { algorithm: 'sha384', bytes: 48 },
  SHA512: { algorithm: 'sha512', bytes: 64 },
  MD5: { algorithm: 'md5', bytes: 16 },
};

export function isTlsAuthDigest(name: string): boolean {
  return name.toUpperCase() in DIGESTS;
}

/**
 * tls-auth (protocol.md §2.2; ovpn:ssl_pkt.c swap_hmac, crypto.c openvpn_encrypt_v1):
 *
 *   wire:       | op (1) | sid (8) | HMAC (H) | replay id (4) | net_time (4) | acks … payload |
 *   HMAC input: | replay id | net_time | op | sid | acks … payload |
 *
 * Key slots by `key-direction` (§2.4): 1 sends with K1.hmac and checks with K0.hmac,
 * 0 the opposite, none uses K0.hmac both ways.
 */
export class TlsAuthWrap implements ControlWrap {
  readonly overheadBytes: number;
  readonly #algorithm: string;
  readonly #hmacBytes: number;
  readonly #sendKey: Buffer;
  readonly #receiveKey: Buffer;
  readonly #sender = new LongPacketIdSender();
  readonly #window = new LongPacketIdWindow();

  constructor(staticKey: Buffer, direction: 0 | 1 | undefined, digest = 'SHA1') {
    const spec = DIGESTS[digest.toUpperCase()] ?? DIGESTS['SHA1'] as { algorithm: string; bytes: number };
    this.#algorithm = spec.algorithm;
    this.#hmacBytes = spec.bytes;
    const slots = keySlots(staticKey);
    const send = direction === 1 ? slots.k1Hmac : slots.k0Hmac;
    const receive = direction === 0 ? slots.k1Hmac : slots.k0Hmac;
    this.#sendKey = Buffer.from(send.subarray(0, spec.bytes));
    this.#receiveKey = Buffer.from(receive.subarray(0, spec.bytes));
    this.overheadBytes = spec.bytes + PACKET_ID_BYTES;
  }

  wrap(plain: Buffer): Buffer {
    const { id, timeSeconds } = this.#sender.next();
    const packetId = Buffer.allocUnsafe(PACKET_ID_BYTES);
    packetId.writeUInt32BE(id, 0);
    packetId.writeUInt32BE(timeSeconds, 4);
    const hmac = createHmac(this.#algorithm, this.#sendKey)
      .update(packetId).update(plain.subarray(0, HEADER_BYTES)).update(plain.subarray(HEADER_BYTES)).digest();
    return Buffer.concat([plain.subarray(0, HEADER_BYTES), hmac, packetId, plain.subarray(HEADER_BYTES)]);
  }

  unwrap(wire: Buffer): Result<Buffer, WrapDrop> {
    if (wire.length < HEADER_BYTES + this.#hmacBytes + PACKET_ID_BYTES) return err('wrap.truncated');
    const header = wire.subarray(0, HEADER_BYTES);
    const hmac = wire.subarray(HEADER_BYTES, HEADER_BYTES + this.#hmacBytes);
    const packetId = wire.subarray(HEADER_BYTES + this.#hmacBytes, HEADER_BYTES + this.#hmacBytes + PACKET_ID_BYTES);
    const rest = wire.subarray(HEADER_BYTES + this.#hmacBytes + PACKET_ID_BYTES);
    const expected = createHmac(this.#algorithm, this.#receiveKey).update(packetId).update(header).update(rest).digest();
    if (!constantTimeEqual(hmac, expected)) return err('wrap.bad_hmac');
    const id = packetId.readUInt32BE(0);
    const timeSeconds = packetId.readUInt32BE(4);
    if (!this.#window.isFresh(id, timeSeconds)) return err('wrap.replay');
    this.#window.commit(id, timeSeconds);
    return ok(Buffer.concat([header, rest]));
  }
}
