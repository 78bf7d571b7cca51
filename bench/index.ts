// `npm run bench`: every benchmark, one JSON object on stdout. Progress goes to stderr.
// `npm run bench -- tunnel memory`: only those (data-channel, tunnel, address-change, memory, soak).
// `soak` runs only when named (30 minutes; `npm run bench -- soak --minutes 5` for less).
import { spawnSync } from 'node:child_process';
import type { AeadAlgorithm } from '../core/index';
import { benchDataChannel } from '../core/data/data-channel.bench';
import { nativeAead } from '../native-helper/crypto/native-aead';
import { nativeAeadCipher } from '../native-helper/crypto/native-data-cipher';
import { opensslSpeed } from './openssl-speed';
import { benchPlaneDataKey } from './plane-data-key-bench';
import { benchMemory } from './memory-bench';
import { benchSoak } from './soak-bench';
import { benchTunnel } from './tunnel-bench';
import { benchAddressChange } from './address-change-bench';

const OPENSSL_NAMES: Record<string, string> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'CHACHA20-POLY1305': 'chacha20-poly1305',
};
/** The ciphers the native data plane carries (classic format only: no epoch rows). */
const PLANE_ALGORITHMS: Record<string, AeadAlgorithm> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'CHACHA20-POLY1305': 'chacha20-poly1305',
};

async function dataChannel(): Promise<object> {
  process.stderr.write('bench: data channel (encrypt + decrypt of 1400-byte packets, one process; the native plane\'s loop in C++)\n');
  const ours = await benchDataChannel(1500, 1400);
  // The helper's own AEAD (addon, one OpenSSL context per key) where the addon is built.
  const helper = await benchDataChannel(1500, 1400, nativeAead()).catch(() => undefined);
  // The whole packet in the addon (DataKey: what the native data plane runs), called from JS once per packet.
  const dataKey = await benchDataChannel(1500, 1400, undefined, nativeAeadCipher()).catch(() => undefined);
  const rows: Record<string, object> = {};
  for (const [name, figures] of Object.entries(ours.ciphers)) {
    const evp = OPENSSL_NAMES[name.replace(/ epoch$/, '')];
    const opensslBytesPerSecond = evp ? await opensslSpeed(evp, 1400, 1) : undefined;
    const roundTripBytesPerSecond = figures.packetsPerSecond * ours.packetBytes;
    const helperFigures = helper?.ciphers[name];
    const dataKeyFigures = dataKey?.ciphers[name];
    // The plane's own loop (no JS per packet), timed right after OpenSSL's figure it is set against.
    const planeAlgorithm = PLANE_ALGORITHMS[name];
    const planeDataKey = planeAlgorithm ? benchPlaneDataKey(planeAlgorithm, ours.packetBytes, opensslBytesPerSecond) : undefined;
    rows[name] = {
      ...figures,
      ...(helperFigures ? { helperAeadPacketsPerSecond: helperFigures.packetsPerSecond, helperAeadGbitPerSecond: helperFigures.gbitPerSecond } : {}),
      ...(dataKeyFigures ? { helperDataKeyPacketsPerSecond: dataKeyFigures.packetsPerSecond, helperDataKeyGbitPerSecond: dataKeyFigures.gbitPerSecond } : {}),
      opensslEncryptBytesPerSecond: opensslBytesPerSecond,
      // A round trip is two cipher operations (encrypt, then decrypt), so the physical
      // limit for round trips is half of OpenSSL's one-way figure.
      ratioToOpenssl: opensslBytesPerSecond ? Number(((2 * roundTripBytesPerSecond) / opensslBytesPerSecond).toFixed(3)) : undefined,
      helperAeadRatioToOpenssl: opensslBytesPerSecond && helperFigures
        ? Number(((2 * helperFigures.packetsPerSecond * ours.packetBytes) / opensslBytesPerSecond).toFixed(3)) : undefined,
      helperDataKeyRatioToOpenssl: opensslBytesPerSecond && dataKeyFigures
        ? Number(((2 * dataKeyFigures.packetsPerSecond * ours.packetBytes) / opensslBytesPerSecond).toFixed(3)) : undefined,
      ...(planeDataKey ? { planeDataKey } : {}),
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

/** A lab benchmark: skipped with the reason when the lab cannot run, else announced on stderr and run. */
function inLab(announce: () => string, run: () => Promise<object>): () => Promise<object> {
  return async () => {
    const skipped = labSkipReason();
    if (skipped) return { skipped };
    process.stderr.write(`bench: ${announce()}\n`);
    return run();
  };
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const BENCHMARKS: Record<string, () => Promise<object>> = {
  dataChannel,
  tunnel: inLab(() => 'tunnel — postern connect vs openvpn 2.6 client, same lab (about a minute)', () => benchTunnel()),
  addressChange: inLab(() => 'address-change — seconds to the first answered ping after the client\'s address moves, postern vs openvpn 2.6, UDP and TCP', () => benchAddressChange()),
  memory: inLab(() => 'memory — the helper\'s runtime flags under iperf3 load (about two minutes)', () => benchMemory()),
  soak: inLab(() => `soak — ${option('--minutes') ?? 30} minutes of load, renegotiations, server restarts and address changes`, () => benchSoak({ minutes: Number(option('--minutes') ?? 30) })),
};
/** What a bare `npm run bench` runs: all but the half-hour soak. */
const DEFAULT_BENCHMARKS = ['dataChannel', 'tunnel', 'addressChange', 'memory'];
/** Names as written on the command line: data-channel, address-change, … (camelCase works too). */
const asked = process.argv.slice(2)
  .filter((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--'))
  .map((name) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase()));
const unknown = asked.filter((name) => !Object.hasOwn(BENCHMARKS, name));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
  process.exit(2);
}
const result: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version } };
for (const name of asked.length > 0 ? asked : DEFAULT_BENCHMARKS) result[name] = await BENCHMARKS[name]!();
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
