import { createCipheriv, createDecipheriv, createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { DataKeys } from '../keys/key-derivation';
import { BugError } from '../wire/errors';
import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { PACKET_ID_BYTES, PACKET_ID_MAX, PACKET_ID_RENEGOTIATE_AT } from './constants';
import { cbcBlockBytes, type CbcSuite, type HmacDigest } from './cipher-suites';
import type { DataCipher, DataDrop } from './data-cipher';
import { dataHeaderBytes, readDataHeaderBytes, writeDataHeader } from './data-header';
import { ReplayWindow } from './replay-window';

/** Random IVs are cut from a pool refilled in one call, not one randomBytes per packet. */
const IV_POOL_BYTES = 4096;

/**
 * CBC + HMAC data channel (ovpn:crypto.c openvpn_encrypt_v1 / openvpn_decrypt_v1):
 *
 *   [op 1|4] [HMAC(H)] [IV B] [ E(K.cipher, IV, packet-id(4) ‖ plaintext, PKCS#7) ]
 *
 *   B = the cipher's block size: 16 for AES and Camellia, 8 for BF, CAST5 and 3DES.
 *
 *   HMAC = HMAC-auth(K.hmac[0:H], IV ‖ ciphertext); opcode/peer-id are not covered.
 *
 * The HMAC is checked (constant time) before anything is decrypted; the
 * packet-id inside is replay-checked after.
 */
export class CbcHmacCipher implements DataCipher {
  readonly #suite: CbcSuite;
  readonly #digest: HmacDigest;
  /** Block size = IV size. */
  readonly #blockBytes: number;
  readonly #encryptKey: Buffer;
  readonly #decryptKey: Buffer;
  readonly #encryptHmacKey: Buffer;
  readonly #decryptHmacKey: Buffer;
  readonly #packetIdScratch = Buffer.alloc(PACKET_ID_BYTES);
  readonly #replay = new ReplayWindow();
  readonly #ivPool = Buffer.alloc(IV_POOL_BYTES);
  #ivOffset = IV_POOL_BYTES;
  #sendPacketId: number;

  constructor(readonly name: string, suite: CbcSuite, digest: HmacDigest, keys: DataKeys, initialPacketId: number) {
    this.#suite = suite;
    this.#digest = digest;
    this.#blockBytes = cbcBlockBytes(suite);
    this.#encryptKey = Buffer.from(keys.encrypt.cipherKey.subarray(0, suite.keyBytes));
    this.#decryptKey = Buffer.from(keys.decrypt.cipherKey.subarray(0, suite.keyBytes));
    this.#encryptHmacKey = Buffer.from(keys.encrypt.hmacKey.subarray(0, digest.bytes));
    this.#decryptHmacKey = Buffer.from(keys.decrypt.hmacKey.subarray(0, digest.bytes));
    this.#sendPacketId = initialPacketId;
  }

  get nextSendPacketId(): number {
    return this.#sendPacketId;
  }

  shouldRenegotiate(): boolean {
    return this.#sendPacketId >= PACKET_ID_RENEGOTIATE_AT;
  }

  overheadBytes(peerId: number | undefined): number {
    return dataHeaderBytes(peerId) + this.#digest.bytes + this.#blockBytes + PACKET_ID_BYTES + this.#blockBytes;
  }

  encrypt(plaintext: Buffer, keyId: number, peerId: number | undefined): Buffer {
    const packetId = this.#sendPacketId;
    if (packetId > PACKET_ID_MAX) throw new BugError('data: send packet-id exhausted without renegotiation');
    this.#sendPacketId = packetId + 1;
    const block = this.#blockBytes;
    const ciphertextBytes = (Math.floor((PACKET_ID_BYTES + plaintext.length) / block) + 1) * block;
    const headerBytes = dataHeaderBytes(peerId);
    const ivAt = headerBytes + this.#digest.bytes;
    const out = Buffer.allocUnsafe(ivAt + block + ciphertextBytes);
    writeDataHeader(out, keyId, peerId);
    this.#nextIv().copy(out, ivAt);
    const iv = out.subarray(ivAt, ivAt + block);
    const cipher = createCipheriv(this.#suite.algorithm, this.#encryptKey, iv);
    this.#packetIdScratch.writeUInt32BE(packetId, 0);
    let at = ivAt + block;
    at += cipher.update(this.#packetIdScratch).copy(out, at);
    at += cipher.update(plaintext).copy(out, at);
    at += cipher.final().copy(out, at);
    if (at !== out.length) throw new BugError('data: CBC length arithmetic');
    createHmac(this.#digest.algorithm, this.#encryptHmacKey).update(out.subarray(ivAt)).digest().copy(out, headerBytes);
    return out;
  }

  decrypt(packet: Buffer): Result<Buffer, DataDrop> {
    const headerBytes = readDataHeaderBytes(packet);
    if (headerBytes === null) return err('data.bad_opcode');
    const ivAt = headerBytes + this.#digest.bytes;
    const block = this.#blockBytes;
    const ciphertextBytes = packet.length - ivAt - block;
    if (ciphertextBytes < block || ciphertextBytes % block !== 0) return err('data.truncated');
    const mac = createHmac(this.#digest.algorithm, this.#decryptHmacKey).update(packet.subarray(ivAt)).digest();
    if (!timingSafeEqual(mac, packet.subarray(headerBytes, ivAt))) return err('data.auth_failed');
    const decipher = createDecipheriv(this.#suite.algorithm, this.#decryptKey, packet.subarray(ivAt, ivAt + block));
    let plain: Buffer;
    try {
      const head = decipher.update(packet.subarray(ivAt + block));
      const tail = decipher.final();
      plain = tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      return err('data.decrypt_failed'); // bad padding behind a valid HMAC: a broken peer
    }
    if (plain.length < PACKET_ID_BYTES) return err('data.truncated');
    const packetId = plain.readUInt32BE(0);
    const replay = this.#replay.test(packetId);
    if (replay !== null) return err(replay);
    this.#replay.commit(packetId);
    return ok(plain.subarray(PACKET_ID_BYTES));
  }

  #nextIv(): Buffer {
    const bytes = this.#blockBytes;
    if (this.#ivOffset + bytes > IV_POOL_BYTES) {
      randomFillSync(this.#ivPool);
      this.#ivOffset = 0;
    }
    const iv = this.#ivPool.subarray(this.#ivOffset, this.#ivOffset + bytes);
    this.#ivOffset += bytes;
    return iv;
  }
}
