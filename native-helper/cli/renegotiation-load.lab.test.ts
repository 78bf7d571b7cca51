import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  droppedBetween, kernelDropTotal, processNamespaceDrops, readDropCounters, startDropTimeline, type DropCounters, type DropEvent,
} from '../../e2e/lab/drop-counters';
import { runIperf } from '../../e2e/lab/iperf';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { PosternProcess } from './testing/postern-process';

// Issue 14: a renegotiation is invisible to traffic, under load, on the helper's whole data
// path (native batched UDP, native AEAD, a real TUN device), against openvpn 2.6 renegotiating
// every 10 s. What counts is where packets are refused: the server logs every data packet it
// cannot match to a key ("keys out of sync", "not initialized (yet)"), Postern counts its own
// drops by reason, and the kernels count what their buffers threw away (both namespaces'
// UDP sockets and links, sampled every 20 ms so a lost ping can be matched to an overflow).

const RENEG_SECONDS = 10;
const LOADED_SECONDS = 45;
const ONE_WAY_SECONDS = 25;
const PINGS_PER_SECOND = 5;

labTest('renegotiation every 10 s under load: nothing refused on either side, no ping lost to it; one-way traffic too', { timeout: 180_000 }, async (t) => {
  // Keepalive pings every 30 s instead of 10: a server ping landing between the server's switch
  // to the new key and its next soft reset would prove the key by chance, and the one-way
  // phase must not depend on that luck.
  const lab = await startLab({ proto: 'udp', serverConfig: [`reneg-sec ${RENEG_SECONDS}`, 'keepalive 30 120'] });
  t.after(() => lab.stop());
  const profilePath = `${lab.dir}/client.ovpn`;
  writeFileSync(profilePath, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
  const postern = new PosternProcess(lab.clientNs, ['connect', profilePath, '--json']);
  t.after(() => postern.stop('SIGKILL'));
  await postern.waitForState('connected');

  // Both ways busy: TCP up at 150 Mbit/s (the server's ACKs come back), pings at 5/s.
  const loaded = await measure(lab, postern, async () => {
    const load = runIperf(lab, { seconds: LOADED_SECONDS + 3, rateBitsPerSecond: 150e6 });
    await delay(1000);
    const pings = await pingThroughTunnel(lab, LOADED_SECONDS * PINGS_PER_SECOND);
    return { pings, load: await load };
  });
  const { pings } = loaded.result;
  const lostPings = pings.lost.map((seq, i) => explainLoss(seq, pings.lostAtMs[i] ?? 0, loaded));
  t.diagnostic(`loaded: ${mbit(loaded.result.load.bitsPerSecond)} Mbit/s up, ${loaded.renegotiations} renegotiations, ` +
    `pings lost ${pings.lost.length}/${pings.sent} [${lostPings.map((l) => l.text).join('; ') || 'none'}], ` +
    `server refused ${JSON.stringify(loaded.serverRefused)}, Postern drops ${JSON.stringify(loaded.drops)}, kernel ${JSON.stringify(loaded.kernel)}`);
  assert.ok(loaded.renegotiations >= 3, `only ${loaded.renegotiations} renegotiations`);
  assert.deepEqual(loaded.serverRefused, {}, 'the server refused no data packet');
  assert.deepEqual(protocolDrops(loaded.drops), {}, 'Postern refused nothing on its side');
  // The load saturates this shared 2-core machine, so some kernel queue overflows all the
  // time (the 2.6 server's socket with its default 208 KiB: 44,868 datagrams in 45 s with the
  // 2.6 client, 63,000-79,000 with Postern; given 4 MiB, the TUN queues on both sides
  // instead), and a ping that meets an overflow is lost whoever the client is. A ping lost
  // with no overflow at that moment is the client's: a key switch, a stall.
  const unexplained = lostPings.filter((l) => !l.kernelDropped);
  assert.deepEqual(unexplained.map((l) => l.text), [], 'no ping was lost but to a kernel queue overflowing at that moment');

  // One way only: UDP up, nothing comes back on the new key to prove the server has it.
  // Postern moves to it when the server itself does (half the server's renegotiation interval
  // in), long after its ACK reached the server and long before the old key is retired.
  const oneWay = await measure(lab, postern, async () => runIperf(lab, { seconds: ONE_WAY_SECONDS, udp: true, rateBitsPerSecond: 30e6 }));
  const datagrams = oneWay.result.datagrams ?? { sent: 0, lost: 0 };
  const kernelDrops = kernelDropTotal(oneWay.kernel.client) + kernelDropTotal(oneWay.kernel.server);
  t.diagnostic(`one-way: ${oneWay.renegotiations} renegotiations, datagrams lost ${datagrams.lost}/${datagrams.sent}, ` +
    `server refused ${JSON.stringify(oneWay.serverRefused)}, Postern drops ${JSON.stringify(oneWay.drops)}, kernel ${JSON.stringify(oneWay.kernel)}`);
  assert.ok(oneWay.renegotiations >= 2, `only ${oneWay.renegotiations} renegotiations`);
  assert.deepEqual(oneWay.serverRefused, {}, 'the server refused no data packet');
  assert.deepEqual(protocolDrops(oneWay.drops), {});
  // Every datagram iperf3 missed was thrown away by a kernel buffer on the way (counted above), none by a key switch.
  assert.ok(datagrams.sent > 0 && datagrams.lost <= kernelDrops, `lost ${datagrams.lost}/${datagrams.sent}, the kernels counted ${kernelDrops}`);
});

interface Measured<T> {
  result: T;
  renegotiations: number;
  /** When each renegotiation began (Postern's log time, ms since the epoch). */
  renegotiatedAtMs: number[];
  /** Every data packet the server's log says it dropped, by why (out of sync, key not ready, replay, decrypt). */
  serverRefused: Record<string, number>;
  drops: Record<string, number>;
  /** What the kernels threw away meanwhile, in the client's and the server's namespace. */
  kernel: { client: DropCounters; server: DropCounters };
  /** When the kernels' drop counters grew (sampled every 20 ms). */
  dropEvents: DropEvent[];
}

/** The server's (verb 4) words for a data packet it throws away, by a short name. */
const SERVER_REFUSALS: ReadonlyArray<readonly [string, RegExp]> = [
  ['out-of-sync', /keys are out of sync/],
  ['key-not-ready', /not initialized \(yet\), dropping packet/],
  ['key-not-authorized', /not authorized.*dropping packet/],
  ['replay', /bad packet ID|packet-id.*replay/i],
  ['decrypt', /Authenticate\/Decrypt packet error/],
];

/** Runs `work` and counts what happened meanwhile: renegotiations, refusals on both sides, the kernels' drops and when. */
async function measure<T>(lab: Lab, postern: PosternProcess, work: () => Promise<T>): Promise<Measured<T>> {
  const logFrom = lab.serverLog().length;
  const linesFrom = postern.lines.length;
  const dropsBefore = lastDrops(postern);
  const kernelBefore = { client: await readDropCounters(lab, lab.clientNs), server: await readDropCounters(lab, lab.serverNs) };
  const serverPid = Number(readFileSync(join(lab.dir, 'server.pid'), 'utf8'));
  const posternPid = postern.child.pid ?? 0;
  const timeline = startDropTimeline({
    'server socket': () => processNamespaceDrops(serverPid, lab.port).socket,
    'server links': () => processNamespaceDrops(serverPid, lab.port).links,
    'Postern socket': () => processNamespaceDrops(posternPid, lab.port).socket,
    'client links': () => processNamespaceDrops(posternPid, lab.port).links,
  });
  const result = await work();
  const dropEvents = timeline.stop();
  await delay(1500); // one more stats line
  const kernel = {
    client: droppedBetween(kernelBefore.client, await readDropCounters(lab, lab.clientNs)),
    server: droppedBetween(kernelBefore.server, await readDropCounters(lab, lab.serverNs)),
  };
  const renegotiatedAtMs = postern.lines.slice(linesFrom).flatMap((l) => {
    const line = l['line'] as { message?: string; atMs?: number } | undefined;
    return l['type'] === 'log' && /started a key renegotiation/.test(String(line?.message)) ? [line?.atMs ?? 0] : [];
  });
  const serverLines = lab.serverLog().slice(logFrom).split('\n');
  const serverRefused: Record<string, number> = {};
  for (const [name, pattern] of SERVER_REFUSALS) {
    const count = serverLines.filter((l) => pattern.test(l)).length;
    if (count > 0) serverRefused[name] = count;
  }
  const drops: Record<string, number> = {};
  for (const [reason, count] of Object.entries(lastDrops(postern))) {
    const added = count - (dropsBefore[reason] ?? 0);
    if (added > 0) drops[reason] = added;
  }
  return { result, renegotiations: renegotiatedAtMs.length, renegotiatedAtMs, serverRefused, drops, kernel, dropEvents };
}

/** A lost ping's seq, its distance from the nearest renegotiation, and the kernel drops while it was on its way (sent, or its reply). */
function explainLoss(seq: number, sentAtMs: number, measured: Measured<unknown>): { text: string; kernelDropped: boolean } {
  const offsets = measured.renegotiatedAtMs.map((at) => sentAtMs - at);
  const nearest = offsets.reduce((best, o) => (Math.abs(o) < Math.abs(best) ? o : best), Number.POSITIVE_INFINITY);
  // The send time is estimated from its neighbours' (±tens of ms) and drops are sampled every 20 ms.
  const around = measured.dropEvents.filter((e) => e.atMs >= sentAtMs - 100 && e.atMs <= sentAtMs + 300);
  const text = `seq ${seq}: ${Number.isFinite(nearest) ? `${Math.round(nearest)} ms from a renegotiation` : 'no renegotiation'}, ` +
    `kernel drops around it: ${around.map((e) => `${e.where} +${e.count} at ${e.atMs - Math.round(sentAtMs)} ms`).join(', ') || 'none'}`;
  return { text, kernelDropped: around.length > 0 };
}

function lastDrops(postern: PosternProcess): Record<string, number> {
  const stats = postern.lines.filter((l) => l['type'] === 'stats').at(-1)?.['stats'] as { drops?: Record<string, number> } | undefined;
  return stats?.drops ?? {};
}

/** Drops that point at the protocol (keys, replay, control); a full TUN queue under load is the OS's. */
function protocolDrops(drops: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(drops).filter(([reason]) => /^(data|control|wrap|packet)\./.test(reason)));
}

interface PingRun {
  sent: number;
  lost: number[];
  /** When each lost ping was sent (ms since the epoch), from its answered neighbours' times. */
  lostAtMs: number[];
}

/** `count` pings at 5/s to the server through the tunnel; which sequence numbers never came back, and when they left. */
async function pingThroughTunnel(lab: Lab, count: number): Promise<PingRun> {
  const run = await lab.exec(lab.clientNs, ['ping', '-n', '-D', '-i', String(1 / PINGS_PER_SECOND), '-W', '2', '-c', String(count), lab.tunnel.serverIp],
    { timeoutMs: (count / PINGS_PER_SECOND + 20) * 1000 });
  // "[1733245161.123456] 64 bytes from …: icmp_seq=7 ttl=64 time=0.52 ms": sent at the stamp less the round trip.
  const sentAtMs = new Map([...run.stdout.matchAll(/^\[(\d+\.\d+)\].*icmp_seq=(\d+) ttl=\d+ time=([\d.]+) ms/gm)]
    .map((m) => [Number(m[2]), Number(m[1]) * 1000 - Number(m[3])] as const));
  const answered = [...sentAtMs.keys()];
  const lost: number[] = [];
  for (let seq = 1; seq <= count; seq++) if (!sentAtMs.has(seq)) lost.push(seq);
  const lostAtMs = lost.map((seq) => {
    const nearest = answered.reduce((best, s) => (Math.abs(s - seq) < Math.abs(best - seq) ? s : best), answered[0] ?? seq);
    return (sentAtMs.get(nearest) ?? 0) + (seq - nearest) * (1000 / PINGS_PER_SECOND);
  });
  return { sent: count, lost, lostAtMs };
}

function mbit(bitsPerSecond: number): string {
  return (bitsPerSecond / 1e6).toFixed(0);
}
