import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { BugError } from '../wire/errors';
import { constantTimeEqual } from '../wire/hex';
import { err, ok, type Result } from '../wire/result';
import type { ControlWrap, WrapDrop } from './control-wrap';
import { LongPacketIdSender, LongPacketIdWindow, PACKET_ID_BYTES, type NowSeconds } from './long-packet-id';
import { STATIC_KEY_BYTES, keySlots } from './static-key';

export interface TlsCryptOptions {
  /** The 256-byte key2: a tls-crypt static key, a tls-crypt-v2 Kc, or a dynamic key. */
  staticKey: Buffer;
  /** The client (default) uses the INVERSE slots; 'server' mirrors them, for tests. */
  role?: 'client' | 'server';
  /** The replay counter before the first send (tls-crypt-v2: 0x0f000000). */
  initialPacketId?: number;
  nowSeconds?: NowSeconds;
}

const HEADER_BYTES = 1 + 8; // op | own session id
const TAG_OFFSET = HEADER_BYTES + PACKET_ID_BYTES; // 17
const TAG_BYTES = 32;
const CIPHERTEXT_OFFSET = TAG_OFFSET + TAG_BYTES; // 49
const KEY_BYTES = 32;
const IV_BYTES = 16;

/**
 * tls-crypt (protocol.md §2.3; ovpn:tls_crypt.h TLS_CRYPT_OFF_*, tls_crypt.c):
 *
 *   | op (1) | sid (8) | replay id (4) | net_time (4) | tag (32) | AES-256-CTR(acks … payload) |
 *   0        1         9               13              17         49
 *
 * tag = HMAC-SHA256(Ka, op ‖ sid ‖ replay id ‖ net_time ‖ plaintext), IV = tag[0:16].
 * Key slots (§2.4; tls_crypt.c tls_crypt_init_key): the client is INVERSE, sending with
 * Ke = K1.cipher[0:32], Ka = K1.hmac[0:32] and receiving with K0; the server is NORMAL.
 * The algorithms are fixed, whatever `cipher`/`auth` say.
 */
export class TlsCryptWrap implements ControlWrap {
  readonly kind = 'tls-crypt';
  readonly overheadBytes = PACKET_ID_BYTES + TAG_BYTES;
  readonly #sendCipherKey: Buffer;
  readonly #sendHmacKey: Buffer;
  readonly #receiveCipherKey: Buffer;
  readonly #receiveHmacKey: Buffer;
  readonly #sender: LongPacketIdSender;
  readonly #window = new LongPacketIdWindow();

  constructor(options: TlsCryptOptions);
  /** @deprecated positional form; use the options object. */
  constructor(staticKey: Buffer, initialPacketId?: number);
  constructor(first: TlsCryptOptions | Buffer, initialPacketId?: number) {
    const options = Buffer.isBuffer(first) ? { staticKey: first, initialPacketId } : first;
    if (options.staticKey.length !== STATIC_KEY_BYTES) throw new BugError('tls-crypt: the key must be 256 bytes');
    const slots = keySlots(options.staticKey);
    const [send, receive] = options.role === 'server'
      ? [{ cipher: slots.k0Cipher, hmac: slots.k0Hmac }, { cipher: slots.k1Cipher, hmac: slots.k1Hmac }]
      : [{ cipher: slots.k1Cipher, hmac: slots.k1Hmac }, { cipher: slots.k0Cipher, hmac: slots.k0Hmac }];
    this.#sendCipherKey = Buffer.from(send.cipher.subarray(0, KEY_BYTES));
    this.#sendHmacKey = Buffer.from(send.hmac.subarray(0, KEY_BYTES));
    this.#receiveCipherKey = Buffer.from(receive.cipher.subarray(0, KEY_BYTES));
    this.#receiveHmacKey = Buffer.from(receive.hmac.subarray(0, KEY_BYTES));
    this.#sender = new LongPacketIdSender(options.initialPacketId ?? 0, options.nowSeconds);
  }

  wrap(plain: Buffer): Buffer {
    if (plain.length < HEADER_BYTES) throw new BugError('tls-crypt: a control packet has at least op and session id');
    const body = plain.subarray(HEADER_BYTES);
    const out = Buffer.allocUnsafe(CIPHERTEXT_OFFSET + body.length);
    plain.copy(out, 0, 0, HEADER_BYTES);
    this.#sender.writeNext(out, HEADER_BYTES);
    const tag = createHmac('sha256', this.#sendHmacKey).update(out.subarray(0, TAG_OFFSET)).update(body).digest();
    tag.copy(out, TAG_OFFSET);
    const cipher = createCipheriv('aes-256-ctr', this.#sendCipherKey, tag.subarray(0, IV_BYTES));
    const encrypted = cipher.update(body);
    encrypted.copy(out, CIPHERTEXT_OFFSET);
    cipher.final(); // CTR: nothing left over
    return out;
  }

  unwrap(wire: Buffer): Result<Buffer, WrapDrop> {
    if (wire.length < CIPHERTEXT_OFFSET) return err('wrap.truncated');
    const tag = wire.subarray(TAG_OFFSET, CIPHERTEXT_OFFSET);
    const decipher = createDecipheriv('aes-256-ctr', this.#receiveCipherKey, tag.subarray(0, IV_BYTES));
    const out = Buffer.allocUnsafe(HEADER_BYTES + wire.length - CIPHERTEXT_OFFSET);
    wire.copy(out, 0, 0, HEADER_BYTES);
    decipher.update(wire.subarray(CIPHERTEXT_OFFSET)).copy(out, HEADER_BYTES);
    decipher.final();
    const expected = createHmac('sha256', this.#receiveHmacKey)
      .update(wire.subarray(0, TAG_OFFSET)).update(out.subarray(HEADER_BYTES)).digest();
    if (!constantTimeEqual(tag, expected)) return err('wrap.bad_tag');
    if (!this.#window.acceptAt(wire, HEADER_BYTES)) return err('wrap.replay');
    return ok(out);
  }
}
