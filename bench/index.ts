// `npm run bench`: every benchmark, one JSON object on stdout. Progress goes to stderr.
import { benchDataChannel } from '../core/data/data-channel.bench';
import { opensslSpeed } from './openssl-speed';

const OPENSSL_NAMES: Record<string, string> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'CHACHA20-POLY1305': 'chacha20-poly1305',
};

async function dataChannel(): Promise<object> {
  process.stderr.write('bench: data channel (encrypt + decrypt of 1400-byte packets, one process)\n');
  const ours = await benchDataChannel(1500, 1400);
  const rows: Record<string, object> = {};
  for (const [name, figures] of Object.entries(ours.ciphers)) {
    const evp = OPENSSL_NAMES[name];
    const opensslBytesPerSecond = evp ? await opensslSpeed(evp, 1400, 1) : undefined;
    const roundTripBytesPerSecond = figures.packetsPerSecond * ours.packetBytes;
    rows[name] = {
      ...figures,
      opensslEncryptBytesPerSecond: opensslBytesPerSecond,
      // A round trip is two cipher operations (encrypt, then decrypt), so the physical
      // limit for round trips is half of OpenSSL's one-way figure.
      ratioToOpenssl: opensslBytesPerSecond ? Number(((2 * roundTripBytesPerSecond) / opensslBytesPerSecond).toFixed(3)) : undefined,
    };
  }
  return { packetBytes: ours.packetBytes, ciphers: rows };
}

const result = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, dataChannel: await dataChannel() };
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
