import assert from 'node:assert/strict';
import { createDecipheriv, createHmac } from 'node:crypto';
import { splitKey2 } from '../keys/key-derivation';
import { createDataCipher, type DataCipher } from '../data/data-cipher';

/** A fixed key2, so every CBC test derives the same slots. */
export const TEST_KEY2 = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 0xff));

/** Client and server ends of one CBC data channel over TEST_KEY2. */
export function cbcPair(cipher: string, auth: string): { client: DataCipher; server: DataCipher } {
  const make = (role: 'client' | 'server'): DataCipher => {
    const made = createDataCipher({ cipher, auth, keys: splitKey2(TEST_KEY2, role) });
    assert.ok(made.ok, `${cipher}: ${JSON.stringify(!made.ok && made.error)}`);
    return made.value;
  };
  return { client: make('client'), server: make('server') };
}

/**
 * Takes a DATA_V2 packet our CBC cipher made apart with node:crypto alone, as the spec lays
 * it out (ovpn:crypto.c openvpn_encrypt_v1): `[48|kid][peer-id 3][HMAC H][IV B][E(pid ‖ text)]`,
 * the HMAC keyed with K.hmac[0:H] over IV ‖ ciphertext, the cipher keyed with K.cipher[0:K].
 * Returns the packet-id and the plaintext it finds.
 */
export function openCbcBySpec(packet: Buffer, spec: { algorithm: string; keyBytes: number; blockBytes: number; digest: string; digestBytes: number }): { packetId: number; plaintext: Buffer } {
  const keys = splitKey2(TEST_KEY2, 'server').decrypt;
  const headerBytes = 4;
  const ivAt = headerBytes + spec.digestBytes;
  const mac = createHmac(spec.digest, keys.hmacKey.subarray(0, spec.digestBytes)).update(packet.subarray(ivAt)).digest();
  assert.deepEqual(packet.subarray(headerBytes, ivAt), mac, 'HMAC over IV ‖ ciphertext');
  const iv = packet.subarray(ivAt, ivAt + spec.blockBytes);
  const ciphertext = packet.subarray(ivAt + spec.blockBytes);
  assert.equal(ciphertext.length % spec.blockBytes, 0, 'whole blocks');
  const decipher = createDecipheriv(spec.algorithm, keys.cipherKey.subarray(0, spec.keyBytes), iv);
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return { packetId: plain.readUInt32BE(0), plaintext: plain.subarray(4) };
}
