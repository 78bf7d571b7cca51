import { BugError, PACKET_ID_RENEGOTIATE_AT, type AeadCipherFactory, type AeadSuite, type DataCipher, type DataDrop, type DataKeys, type Result } from '../../core/index';
import { loadTunAddon, type NativeDataKey, type TunAddon } from '../addon/tun-addon';

const IMPLICIT_IV_BYTES = 8;
const PACKET_ID_BYTES = 4;
const TAG_BYTES = 16;
/** DATA_V2's opcode (byte 0 >> 3); anything else has a shorter header or none the key accepts. */
const DATA_V2 = 9;

/**
 * core's classic-format AEAD DataCipher over the addon's DataKey (data_key.cc): the whole
 * packet (header, packet id, nonce, tag, replay window) in C++. The same key object goes
 * into the native data plane, so JS sends (pings, OCC) and the plane's bulk traffic draw
 * packet ids from one counter, and both receive paths share one replay window.
 * Byte-equal with core's AeadCipher (native-data-cipher.test.ts).
 */
export class NativeDataCipher implements DataCipher {
  readonly key: NativeDataKey;

  constructor(readonly name: string, suite: AeadSuite, keys: DataKeys, initialPacketId: number, addon: TunAddon) {
    this.key = new addon.DataKey(
      suite.algorithm,
      keys.encrypt.cipherKey.subarray(0, suite.keyBytes), keys.encrypt.hmacKey.subarray(0, IMPLICIT_IV_BYTES),
      keys.decrypt.cipherKey.subarray(0, suite.keyBytes), keys.decrypt.hmacKey.subarray(0, IMPLICIT_IV_BYTES),
      initialPacketId,
    );
  }

  get nextSendPacketId(): number {
    return this.key.nextSendPacketId();
  }

  get peerHasSent(): boolean {
    return this.key.peerHasSent();
  }

  shouldRenegotiate(): boolean {
    return this.nextSendPacketId >= PACKET_ID_RENEGOTIATE_AT;
  }

  overheadBytes(peerId: number | undefined): number {
    return (peerId === undefined ? 1 : 4) + PACKET_ID_BYTES + TAG_BYTES;
  }

  encrypt(plaintext: Buffer, keyId: number, peerId: number | undefined): Buffer {
    const out = Buffer.allocUnsafe(this.overheadBytes(peerId) + plaintext.length);
    if (this.key.encrypt(plaintext, keyId, peerId, out) < 0) throw new BugError('data: send packet-id exhausted without renegotiation');
    return out;
  }

  decrypt(packet: Buffer): Result<Buffer, DataDrop> {
    // GCM and ChaCha20-Poly1305 keep lengths: the plaintext is the packet less header, id and tag.
    const overhead = (packet.length > 0 && (packet[0] as number) >> 3 === DATA_V2 ? 4 : 1) + PACKET_ID_BYTES + TAG_BYTES;
    const out = Buffer.allocUnsafe(Math.max(0, packet.length - overhead));
    const length = this.key.decrypt(packet, out);
    return typeof length === 'string' ? { ok: false, error: length } : { ok: true, value: out.subarray(0, length) };
  }
}

/** The helper's AeadCipherFactory (SessionSettings.aeadCipher); the addon loads at the first key. */
export function nativeAeadCipher(addon?: TunAddon): AeadCipherFactory {
  return (name, suite, keys, initialPacketId) => new NativeDataCipher(name, suite, keys, initialPacketId, addon ?? loadTunAddon());
}
