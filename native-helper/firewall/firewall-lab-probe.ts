// Test-only: sends probe packets from inside a namespace and says what each one met.
// The probe runs as `node -e` (no file to read, no loader), so it can run as another user.
import { labRun } from './lab-run';

export type Probe =
  | { kind: 'udp'; host: string; port: number }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'ping'; host: string };

/** 'sent' / 'connected' / 'reply', or what stopped it: an errno code, 'timeout', 'no reply'. */
export type ProbeOutcome = string;

const PROBE_SCRIPT = String.raw`
const dgram = require('node:dgram');
const net = require('node:net');
const { spawnSync } = require('node:child_process');
const probes = JSON.parse(process.argv[1]);
const family = (host) => (net.isIPv6(host) ? 6 : 4);
function udp(p) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(family(p.host) === 6 ? 'udp6' : 'udp4');
    socket.on('error', (e) => { socket.close(); resolve(e.code); });
    socket.send(Buffer.from('probe'), p.port, p.host, (e) => {
      if (e) { socket.close(); resolve(e.code); return; }
      setTimeout(() => { try { socket.close(); } catch {} resolve('sent'); }, 30);
    });
  });
}
function tcp(p) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: p.host, port: p.port });
    const timer = setTimeout(() => { socket.destroy(); resolve('timeout'); }, 700);
    socket.on('connect', () => { clearTimeout(timer); socket.destroy(); resolve('connected'); });
    socket.on('error', (e) => { clearTimeout(timer); resolve(e.code); });
  });
}
function ping(p) {
  const r = spawnSync('ping', ['-' + family(p.host), '-n', '-c', '1', '-W', '1', p.host], { encoding: 'utf8', timeout: 3000 });
  return Promise.resolve(r.status === 0 ? 'reply' : (r.stderr.trim().split('\n')[0] || 'no reply'));
}
(async () => {
  const out = [];
  for (const p of probes) out.push(await (p.kind === 'udp' ? udp(p) : p.kind === 'tcp' ? tcp(p) : ping(p)));
  process.stdout.write(JSON.stringify(out));
})();
`;

/** Runs the probes one after the other in `namespace`, as root or (with `uid`) as another user. */
export async function runProbes(namespace: string, probes: readonly Probe[], uid?: number): Promise<ProbeOutcome[]> {
  const asUser = uid === undefined ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
  const result = await labRun('ip', ['netns', 'exec', namespace, ...asUser, process.execPath, '-e', PROBE_SCRIPT, JSON.stringify(probes)], { timeoutMs: 15_000 });
  if (result.code !== 0) throw new Error(`probe failed (${result.code}): ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as ProbeOutcome[];
}
