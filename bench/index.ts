// `npm run bench`: every benchmark, one JSON object on stdout. Progress goes to stderr.
// `npm run bench -- tunnel memory`: only those (names: dataChannel, tunnel, memory, soak).
// `soak` runs only when named (30 minutes; `npm run bench -- soak --minutes 5` for less).
import { spawnSync } from 'node:child_process';
import { benchDataChannel } from '../core/data/data-channel.bench';
import { nativeAead } from '../native-helper/crypto/native-aead';
import { opensslSpeed } from './openssl-speed';
import { benchMemory } from './memory-bench';
import { benchSoak } from './soak-bench';
import { benchTunnel } from './tunnel-bench';

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

function buildCli(): boolean {
  return spawnSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
}

async function tunnel(): Promise<object> {
  if (process.getuid?.() !== 0) return { skipped: 'needs root for the lab (network namespaces, TUN)' };
  process.stderr.write('bench: tunnel — postern connect vs openvpn 2.6 client, same lab (about a minute)\n');
  if (!buildCli()) return { skipped: 'npm run build failed' };
  return benchTunnel();
}

async function memory(): Promise<object> {
  if (process.getuid?.() !== 0) return { skipped: 'needs root for the lab (network namespaces, TUN)' };
  process.stderr.write('bench: memory — the helper\'s runtime flags under iperf3 load (about two minutes)\n');
  if (!buildCli()) return { skipped: 'npm run build failed' };
  return benchMemory();
}

async function soak(): Promise<object> {
  if (process.getuid?.() !== 0) return { skipped: 'needs root for the lab (network namespaces, TUN)' };
  const minutes = Number(option('--minutes') ?? 30);
  process.stderr.write(`bench: soak — ${minutes} minutes of load, renegotiations, server restarts and address changes\n`);
  if (!buildCli()) return { skipped: 'npm run build failed' };
  return benchSoak({ minutes });
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const BENCHMARKS: Record<string, () => Promise<object>> = { dataChannel, tunnel, memory, soak };
/** What a bare `npm run bench` runs: all but the half-hour soak. */
const DEFAULT_BENCHMARKS = ['dataChannel', 'tunnel', 'memory'];
const asked = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--'));
const unknown = asked.filter((name) => !Object.hasOwn(BENCHMARKS, name));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
  process.exit(2);
}
const result: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version } };
for (const name of asked.length > 0 ? asked : DEFAULT_BENCHMARKS) result[name] = await BENCHMARKS[name]!();
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
