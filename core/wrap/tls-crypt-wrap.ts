import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { constantTimeEqual } from '../wire/hex';
import { err, ok, type Result } from '../wire/result';
import type { ControlWrap, WrapDrop } from './control-wrap';
import { LongPacketIdSender, LongPacketIdWindow } from './long-packet-id';
import { keySlots } from './static-key';

const HEADER_BYTES = 1 + 8; // op | own session id
const PACKET_ID_BYTES = 8;
const TAG_BYTES = 32;
const KEY_BYTES = 32;

/**
 * tls-crypt (protocol.md §2.3; ovpn:tls_crypt.c):
 *
 *   | op (1) | sid (8) | replay id (4) | net_time (4) | tag (32) | AES-256-CTR(acks … payload) |
 *
 * tag = HMAC-SHA256(Ka, op ‖ sid ‖ replay id ‖ net_time ‖ plaintext), IV = tag[0:16].
 * The client uses the INVERSE direction: sends with K1, receives with K0 (§2.4).
 */
export class TlsCryptWrap implements ControlWrap {
  readonly overheadBytes = PACKET_ID_BYTES + TAG_BYTES;
  readonly #sendCipherKey: Buffer;
  readonly #sendHmacKey: Buffer;
  readonly #receiveCipherKey: Buffer;
  readonly #receiveHmacKey: Buffer;
  readonly #sender: LongPacketIdSender;
  readonly #window = new LongPacketIdWindow();

  constructor(key2: Buffer, initialPacketId = 0) {
    const slots = keySlots(key2);
    this.#sendCipherKey = Buffer.from(slots.k1Cipher.subarray(0, KEY_BYTES));
    this.#sendHmacKey = Buffer.from(slots.k1Hmac.subarray(0, KEY_BYTES));
    this.#receiveCipherKey = Buffer.from(slots.k0Cipher.subarray(0, KEY_BYTES));
    this.#receiveHmacKey = Buffer.from(slots.k0Hmac.subarray(0, KEY_BYTES));
    this.#sender = new LongPacketIdSender(initialPacketId);
  }

  wrap(plain: Buffer): Buffer {
    const { id, timeSeconds } = this.#sender.next();
    const head = Buffer.allocUnsafe(HEADER_BYTES + PACKET_ID_BYTES);
    plain.copy(head, 0, 0, HEADER_BYTES);
    head.writeUInt32BE(id, HEADER_BYTES);
    head.writeUInt32BE(timeSeconds, HEADER_BYTES + 4);
    const body = plain.subarray(HEADER_BYTES);
    const tag = createHmac('sha256', this.#sendHmacKey).update(head).update(body).digest();
    const cipher = createCipheriv('aes-256-ctr', this.#sendCipherKey, tag.subarray(0, 16));
    return Buffer.concat([head, tag, cipher.update(body), cipher.final()]);
  }

  unwrap(wire: Buffer): Result<Buffer, WrapDrop> {
    const tagOffset = HEADER_BYTES + PACKET_ID_BYTES;
    if (wire.length < tagOffset + TAG_BYTES) return err('wrap.truncated');
    const head = wire.subarray(0, tagOffset);
    const tag = wire.subarray(tagOffset, tagOffset + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-ctr', this.#receiveCipherKey, tag.subarray(0, 16));
    const body = Buffer.concat([decipher.update(wire.subarray(tagOffset + TAG_BYTES)), decipher.final()]);
    const expected = createHmac('sha256', this.#receiveHmacKey).update(head).update(body).digest();
    if (!constantTimeEqual(tag, expected)) return err('wrap.bad_tag');
    const id = head.readUInt32BE(HEADER_BYTES);
    const timeSeconds = head.readUInt32BE(HEADER_BYTES + 4);
    if (!this.#window.isFresh(id, timeSeconds)) return err('wrap.replay');
    this.#window.commit(id, timeSeconds);
    return ok(Buffer.concat([wire.subarray(0, HEADER_BYTES), body]));
  }
}
