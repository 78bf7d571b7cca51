import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataKeys, KeySlot } from '../keys/key-derivation';
import { decodeCompressionFraming } from './compression';
import type { CompressionFraming } from './compression';
import { createDataCipher } from './data-cipher';
import type { DataCipher } from './data-cipher';
import { isPing } from './ping-occ';

/**
 * Golden vectors: data packets of a real openvpn 2.6 server and client, with
 * their keys, logged at verb 9 (fixtures/capture-data-vectors.sh). Truncated
 * log values end in "..." and are compared as prefixes.
 */
interface Vector {
  name: string;
  options: string;
  keys: Record<string, string>;
  decrypt: Array<Array<[string, string]>>;
  encrypt: Array<Array<[string, string]>>;
}

const vectors = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'data-vectors.json'), 'utf8')) as Vector[];

const hex = (text: string) => Buffer.from(text.replace(/\.\.\.$/, ''), 'hex');
const fields = (group: Array<[string, string]>, label: string) => group.filter(([l]) => l === label).map(([, v]) => v);
const one = (group: Array<[string, string]>, label: string, index = 0): string => {
  const value = fields(group, label)[index];
  assert.ok(value !== undefined, `${label} missing`);
  return value;
};

/** A 64-byte key slot from the logged (leading) key bytes. */
function slot(cipherKey: string, hmacKey: string | Buffer): KeySlot {
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc(64 - b.length)]);
  return { cipherKey: pad(hex(cipherKey)), hmacKey: pad(typeof hmacKey === 'string' ? hex(hmacKey) : hmacKey) };
}

function cipherOf(vector: Vector): { cipher: string; auth?: string; framing: CompressionFraming } {
  const option = (name: string) => new RegExp(`${name} ([^;]+)`).exec(vector.options)?.[1];
  const compression = /comp-lzo no/.test(vector.options) ? 'lzo'
    : /compress stub-v2/.test(vector.options) ? 'stub-v2' : /compress(;|$)/.test(vector.options) ? 'stub' : 'none';
  const auth = option('auth');
  return { cipher: option('data-ciphers') ?? 'AES-256-GCM', framing: compression, ...(auth ? { auth } : {}) };
}

function make(vector: Vector, keys: DataKeys): DataCipher {
  const { cipher, auth } = cipherOf(vector);
  const made = createDataCipher({ cipher, keys, ...(auth ? { auth } : {}) });
  assert.ok(made.ok);
  return made.value;
}

const aead = vectors.filter((v) => !/CBC/.test(v.options));
const cbc = vectors.filter((v) => /CBC/.test(v.options));

for (const vector of aead) {
  test(`lab ${vector.name}: server packets decrypt, framing removed, to the ping`, () => {
    for (const group of vector.decrypt) {
      const nonce = hex(one(group, 'IV'));
      // Wire = AD (op|peer-id|packet-id) ‖ tag ‖ ciphertext.
      const packet = Buffer.concat([hex(one(group, 'AD')), hex(one(group, 'MAC')), hex(one(group, 'FROM', 1))]);
      const keys: DataKeys = { decrypt: slot(vector.keys.incomingCipherKey ?? '', nonce.subarray(4)), encrypt: slot('00', '00') };
      const plain = make(vector, keys).decrypt(packet);
      assert.ok(plain.ok, `${vector.name}: ${!plain.ok && plain.error}`);
      assert.equal(plain.value.toString('hex'), one(group, 'TO'));
      const unframed = decodeCompressionFraming(cipherOf(vector).framing, plain.value, { allowDecompression: false });
      assert.ok(unframed.ok && isPing(unframed.value), `${vector.name}: not a ping after unframing`);
    }
  });

  test(`lab ${vector.name}: our encryption of the client's ping is byte-identical to openvpn's`, () => {
    for (const group of vector.encrypt) {
      const nonce = hex(one(group, 'IV'));
      const keys: DataKeys = { encrypt: slot(vector.keys.outgoingCipherKey ?? '', nonce.subarray(4)), decrypt: slot('00', '00') };
      const { cipher } = cipherOf(vector);
      const made = createDataCipher({ cipher, keys, initialPacketId: nonce.readUInt32BE(0) });
      assert.ok(made.ok);
      const packet = made.value.encrypt(hex(one(group, 'FROM')), 0, 0);
      const logged = one(group, 'TO');
      assert.ok(packet.toString('hex').startsWith(logged.replace(/\.\.\.$/, '')), `${vector.name}: ${packet.toString('hex')} vs ${logged}`);
    }
  });
}

/** CBC: E(key, IV, packet-id ‖ plaintext) with PKCS#7, computed independently of our code. */
function cbcEncrypt(cipherName: string, key: string, iv: Buffer, plain: Buffer): Buffer {
  const algorithm = cipherName.toLowerCase();
  const keyBytes = algorithm.startsWith('aes-128') ? 16 : 32;
  const cipher = createCipheriv(algorithm, hex(key).subarray(0, keyBytes), iv);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

for (const vector of cbc) {
  test(`lab ${vector.name}: HMAC over IV ‖ ciphertext matches openvpn, both directions decrypt`, () => {
    const { cipher, auth = 'SHA1' } = cipherOf(vector);
    const digest = auth.toLowerCase();
    const directions: Array<[Array<Array<[string, string]>>, string, string, 'FROM' | 'TO', (g: Array<[string, string]>) => string]> = [
      // Server → client: the log shows HMAC ‖ IV… as the (truncated) input, the plaintext as output.
      [vector.decrypt, 'incomingCipherKey', 'incomingHmacKey', 'TO', (g) => one(g, 'FROM')],
      // Client → server: the log shows the plaintext as input and the HMAC on its own.
      [vector.encrypt, 'outgoingCipherKey', 'outgoingHmacKey', 'FROM', (g) => one(g, 'HMAC')],
    ];
    for (const [groups, cipherKey, hmacKey, plainLabel, loggedMac] of directions) {
      for (const group of groups) {
        const iv = hex(one(group, 'IV'));
        const plainWithId = hex(one(group, plainLabel));
        const ciphertext = cbcEncrypt(cipher, vector.keys[cipherKey] ?? '', iv, plainWithId);
        const mac = createHmac(digest, hex(vector.keys[hmacKey] ?? '')).update(iv).update(ciphertext).digest();
        const logged = hex(loggedMac(group));
        assert.deepEqual(mac.subarray(0, Math.min(mac.length, logged.length)), logged.subarray(0, Math.min(mac.length, logged.length)));
        const packet = Buffer.concat([Buffer.from('48000000', 'hex'), mac, iv, ciphertext]);
        const keys: DataKeys = { decrypt: slot(vector.keys[cipherKey] ?? '', vector.keys[hmacKey] ?? ''), encrypt: slot('00', '00') };
        const plain = make(vector, keys).decrypt(packet);
        assert.ok(plain.ok, `${vector.name}: ${!plain.ok && plain.error}`);
        assert.ok(isPing(plain.value));
        assert.equal(plainWithId.readUInt32BE(0) > 0, true);
      }
    }
  });
}
