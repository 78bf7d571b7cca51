import { randomBytes } from 'node:crypto';
import { splitKey2 } from '../keys/key-derivation';
import { encodeCompressionFraming, decodeCompressionFraming } from './compression';
import { createDataCipher, type AeadCipherFactory } from './data-cipher';
import type { AeadProvider } from './aead-provider';

/**
 * Data-path micro-benchmark: frame + encrypt on one side, decrypt + unframe on
 * the other, for 1400-byte packets, about `durationMs` per cipher. Not a test:
 * numbers depend on the machine. Run: node --import tsx core/data/data-channel.bench.ts
 */
export interface DataChannelBenchResult {
  packetBytes: number;
  ciphers: Record<string, { packetsPerSecond: number; gbitPerSecond: number; packets: number }>;
}

/** [cipher, CBC digest, 2.7's epoch format]; an epoch row is named `<cipher> epoch`. */
const SUITES: Array<[string, string?, 'epoch'?]> = [
  ['AES-128-GCM'], ['AES-256-GCM'], ['CHACHA20-POLY1305'], ['AES-256-CBC', 'SHA1'], ['AES-128-CBC', 'SHA256'],
  ['AES-256-GCM', undefined, 'epoch'], ['CHACHA20-POLY1305', undefined, 'epoch'],
];

/**
 * `aead`: the AEAD implementation to measure (node:crypto's when absent); `aeadCipher`: whole
 * classic-format AEAD ciphers (the helper's DataKey); CBC suites are skipped with either, epoch rows with the second.
 */
export async function benchDataChannel(durationMs = 1000, packetBytes = 1400, aead?: AeadProvider, aeadCipher?: AeadCipherFactory): Promise<DataChannelBenchResult> {
  const key2 = randomBytes(256);
  const packet = randomBytes(packetBytes);
  const result: DataChannelBenchResult = { packetBytes, ciphers: {} };
  for (const [cipher, auth, format] of SUITES) {
    if ((aead || aeadCipher) && auth) continue;
    if (aeadCipher && format) continue;
    const make = (role: 'client' | 'server') => {
      const made = createDataCipher({ cipher, keys: splitKey2(key2, role), ...(auth ? { auth } : {}), ...(aead ? { aead } : {}), ...(aeadCipher ? { aeadCipher } : {}), ...(format ? { epoch: {} } : {}) });
      if (!made.ok) throw new Error(`bench: ${cipher} unavailable`);
      return made.value;
    };
    const client = make('client');
    const server = make('server');
    const roundTrip = () => {
      const wire = client.encrypt(encodeCompressionFraming('stub-v2', packet), 0, 1);
      const plain = server.decrypt(wire);
      if (!plain.ok || !decodeCompressionFraming('stub-v2', plain.value, { allowDecompression: false }).ok) {
        throw new Error(`bench: ${cipher} round trip failed`);
      }
    };
    for (let i = 0; i < 200; i++) roundTrip(); // warm-up
    let packets = 0;
    const start = performance.now();
    let elapsedMs = 0;
    while (elapsedMs < durationMs) {
      for (let i = 0; i < 100; i++) roundTrip();
      packets += 100;
      elapsedMs = performance.now() - start;
    }
    const packetsPerSecond = Math.round(packets / (elapsedMs / 1000));
    result.ciphers[`${cipher}${auth ? `/${auth}` : ''}${format ? ` ${format}` : ''}`] = {
      packetsPerSecond,
      gbitPerSecond: Number(((packetsPerSecond * packetBytes * 8) / 1e9).toFixed(3)),
      packets,
    };
    await new Promise((resolve) => setImmediate(resolve)); // let the event loop breathe between ciphers
  }
  return result;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  benchDataChannel().then((result) => console.log(JSON.stringify(result, null, 2)), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
