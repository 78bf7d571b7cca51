import type { DataKeys } from '../keys/key-derivation';
import { BugError } from '../wire/errors';
import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import {
  AEAD_IMPLICIT_IV_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES, DATA_V1_HEADER_BYTES, PACKET_ID_BYTES, PACKET_ID_MAX, PACKET_ID_RENEGOTIATE_AT,
} from './constants';
import type { AeadSuite } from './cipher-suites';
import { nodeCryptoAead, type AeadKey, type AeadProvider } from './aead-provider';
import type { DataCipher, DataDrop } from './data-cipher';
import { dataHeaderBytes, readDataHeaderBytes, writeDataHeader } from './data-header';
import { ReplayWindow } from './replay-window';

/**
 * AES-GCM / ChaCha20-Poly1305 data channel (ovpn:crypto.c openvpn_encrypt_aead,
 * openvpn_decrypt_aead; ov3:doc/openvpn-protocol-extensions.txt §2):
 *
 *   DATA_V2:  [0x48|kid][peer-id 3][packet-id 4][tag 16][ciphertext]   AAD = bytes 0–7
 *   DATA_V1:  [0x30|kid][packet-id 4][tag 16][ciphertext]              AAD = packet-id only
 *
 *   nonce = packet-id(4) ‖ K.hmac[0:8]      key = K.cipher[0:keylen]
 *
 * The AEAD itself comes from an AeadProvider (node:crypto unless the caller has a
 * faster one); each packet costs one output allocation plus the provider's own.
 */
export class AeadCipher implements DataCipher {
  readonly #sealer: AeadKey;
  readonly #opener: AeadKey;
  /** Nonce buffers whose first 4 bytes are rewritten per packet; providers read them only during the call. */
  readonly #encryptNonce = Buffer.alloc(AEAD_NONCE_BYTES);
  readonly #decryptNonce = Buffer.alloc(AEAD_NONCE_BYTES);
  readonly #replay = new ReplayWindow();
  #sendPacketId: number;

  constructor(readonly name: string, suite: AeadSuite, keys: DataKeys, initialPacketId: number, provider: AeadProvider = nodeCryptoAead) {
    this.#sealer = provider(suite.algorithm, Buffer.from(keys.encrypt.cipherKey.subarray(0, suite.keyBytes)));
    this.#opener = provider(suite.algorithm, Buffer.from(keys.decrypt.cipherKey.subarray(0, suite.keyBytes)));
    keys.encrypt.hmacKey.copy(this.#encryptNonce, PACKET_ID_BYTES, 0, AEAD_IMPLICIT_IV_BYTES);
    keys.decrypt.hmacKey.copy(this.#decryptNonce, PACKET_ID_BYTES, 0, AEAD_IMPLICIT_IV_BYTES);
    this.#sendPacketId = initialPacketId;
  }

  get nextSendPacketId(): number {
    return this.#sendPacketId;
  }

  shouldRenegotiate(): boolean {
    return this.#sendPacketId >= PACKET_ID_RENEGOTIATE_AT;
  }

  overheadBytes(peerId: number | undefined): number {
    return dataHeaderBytes(peerId) + PACKET_ID_BYTES + AEAD_TAG_BYTES;
  }

  encrypt(plaintext: Buffer, keyId: number, peerId: number | undefined): Buffer {
    const packetId = this.#sendPacketId;
    if (packetId > PACKET_ID_MAX) throw new BugError('data: send packet-id exhausted without renegotiation');
    this.#sendPacketId = packetId + 1;
    const out = Buffer.allocUnsafe(this.overheadBytes(peerId) + plaintext.length);
    const header = writeDataHeader(out, keyId, peerId);
    out.writeUInt32BE(packetId, header);
    const pidEnd = header + PACKET_ID_BYTES;
    this.#encryptNonce.writeUInt32BE(packetId, 0);
    // V2 authenticates opcode, peer-id and packet-id; V1 only the packet-id.
    const aad = peerId === undefined ? out.subarray(header, pidEnd) : out.subarray(0, pidEnd);
    this.#sealer.seal(this.#encryptNonce, aad, plaintext, out, pidEnd, pidEnd + AEAD_TAG_BYTES);
    return out;
  }

  decrypt(packet: Buffer): Result<Buffer, DataDrop> {
    const header = readDataHeaderBytes(packet);
    if (header === null) return err('data.bad_opcode');
    const pidEnd = header + PACKET_ID_BYTES;
    if (packet.length < pidEnd + AEAD_TAG_BYTES) return err('data.truncated');
    const packetId = packet.readUInt32BE(header);
    const replay = this.#replay.test(packetId);
    if (replay !== null) return err(replay);
    this.#decryptNonce.writeUInt32BE(packetId, 0);
    const aad = header === DATA_V1_HEADER_BYTES ? packet.subarray(header, pidEnd) : packet.subarray(0, pidEnd);
    const plaintext = this.#opener.open(this.#decryptNonce, aad, packet.subarray(pidEnd, pidEnd + AEAD_TAG_BYTES), packet.subarray(pidEnd + AEAD_TAG_BYTES));
    if (plaintext === null) return err('data.auth_failed');
    this.#replay.commit(packetId);
    return ok(plaintext);
  }
}
