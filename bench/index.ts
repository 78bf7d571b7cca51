// `npm run bench`: every benchmark, one JSON object on stdout. Progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { benchDataChannel } from '../core/data/data-channel.bench';
import { nativeAead } from '../native-helper/crypto/native-aead';
import { opensslSpeed } from './openssl-speed';
import { benchTunnel } from './tunnel-bench';
import { benchAddressChange } from './address-change-bench';

const OPENSSL_NAMES: Record<string, string> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'CHACHA20-POLY1305': 'chacha20-poly1305',
};

async function dataChannel(): Promise<object> {
  process.stderr.write('bench: data channel (encrypt + decrypt of 1400-byte packets, one process)\n');
  const ours = await benchDataChannel(1500, 1400);
  // The helper's own AEAD (addon, one OpenSSL context per key) where the addon is built.
  const helper = await benchDataChannel(1500, 1400, nativeAead()).catch(() => undefined);
  const rows: Record<string, object> = {};
  for (const [name, figures] of Object.entries(ours.ciphers)) {
    const evp = OPENSSL_NAMES[name];
    const opensslBytesPerSecond = evp ? await opensslSpeed(evp, 1400, 1) : undefined;
    const roundTripBytesPerSecond = figures.packetsPerSecond * ours.packetBytes;
    const helperFigures = helper?.ciphers[name];
    rows[name] = {
      ...figures,
      ...(helperFigures ? { helperAeadPacketsPerSecond: helperFigures.packetsPerSecond, helperAeadGbitPerSecond: helperFigures.gbitPerSecond } : {}),
      opensslEncryptBytesPerSecond: opensslBytesPerSecond,
      // A round trip is two cipher operations (encrypt, then decrypt), so the physical
      // limit for round trips is half of OpenSSL's one-way figure.
      ratioToOpenssl: opensslBytesPerSecond ? Number(((2 * roundTripBytesPerSecond) / opensslBytesPerSecond).toFixed(3)) : undefined,
      helperAeadRatioToOpenssl: opensslBytesPerSecond && helperFigures
        ? Number(((2 * helperFigures.packetsPerSecond * ours.packetBytes) / opensslBytesPerSecond).toFixed(3)) : undefined,
    };
  }
  return { packetBytes: ours.packetBytes, ciphers: rows };
}

/** The lab benchmarks run `postern connect` from the bundle: built once, here. */
let built: boolean | undefined;
function labSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for the lab (network namespaces, TUN)';
  built ??= spawnSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
  return built ? undefined : 'npm run build failed';
}

async function tunnel(): Promise<object> {
  const skipped = labSkipReason();
  if (skipped) return { skipped };
  process.stderr.write('bench: tunnel — postern connect vs openvpn 2.6 client, same lab (about a minute)\n');
  return benchTunnel();
}

async function addressChange(): Promise<object> {
  const skipped = labSkipReason();
  if (skipped) return { skipped };
  process.stderr.write('bench: address-change — seconds to the first answered ping after the client\'s address moves, postern vs openvpn 2.6, UDP and TCP\n');
  return benchAddressChange();
}

// `npm run bench -- address-change` (or any other names below) runs only those.
const only = new Set(process.argv.slice(2));
const wanted = (name: string): boolean => only.size === 0 || only.has(name);
const result = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  ...(wanted('data-channel') ? { dataChannel: await dataChannel() } : {}),
  ...(wanted('tunnel') ? { tunnel: await tunnel() } : {}),
  ...(wanted('address-change') ? { addressChange: await addressChange() } : {}),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
