import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { runIperf } from '../../e2e/lab/iperf';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { PosternProcess } from './testing/postern-process';

// Issue 14: a renegotiation is invisible to traffic, under load, on the helper's whole data
// path (native batched UDP, native AEAD, a real TUN device), against openvpn 2.6 renegotiating
// every 10 s. What counts is where packets are refused: the server logs every data packet it
// cannot match to a key ("keys out of sync"), Postern counts its own drops by reason.

const RENEG_SECONDS = 10;
const LOADED_SECONDS = 45;
const ONE_WAY_SECONDS = 25;
const PINGS_PER_SECOND = 5;
/**
 * Consecutive lost pings that would mean a stall. A stall waiting on a control
 * retransmission lasts tls-timeout (2 s, 10 pings); one on a retired key lasts until the
 * server sends on the new key. This shared 2-core machine also starves processes now and
 * then: the longest event-loop pause measured in the helper under this load was 665 ms,
 * and the longest burst it caused 3 pings, with no renegotiation near (see the report of
 * issue 14). So the line is drawn between the two, at 1 s.
 */
const STALL_PINGS = PINGS_PER_SECOND;

labTest('renegotiation every 10 s under load: no ping burst, nothing refused on either side; one-way traffic too', { timeout: 180_000 }, async (t) => {
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
  t.diagnostic(`loaded: ${mbit(loaded.result.load.bitsPerSecond)} Mbit/s up, ${loaded.renegotiations} renegotiations, ` +
    `pings lost ${pings.lost.length}/${pings.sent} (seqs ${pings.lost.join(',') || 'none'}, longest run ${pings.longestLostRun}), ` +
    `server out-of-sync ${loaded.outOfSync}, Postern drops ${JSON.stringify(loaded.drops)}`);
  assert.ok(loaded.renegotiations >= 3, `only ${loaded.renegotiations} renegotiations`);
  assert.equal(loaded.outOfSync, 0, 'the server refused no data packet for its key');
  assert.deepEqual(protocolDrops(loaded.drops), {}, 'Postern refused nothing on its side');
  assert.ok(pings.longestLostRun < STALL_PINGS, `a stall: ${pings.longestLostRun} pings lost in a row (${pings.lost.join(',')})`);

  // One way only: UDP up, nothing comes back on the new key to prove the server has it.
  // Postern must still leave the old key once the server retires it (its next soft reset).
  const oneWay = await measure(lab, postern, async () => runIperf(lab, { seconds: ONE_WAY_SECONDS, udp: true, rateBitsPerSecond: 30e6 }));
  const datagrams = oneWay.result.datagrams ?? { sent: 0, lost: 0 };
  t.diagnostic(`one-way: ${oneWay.renegotiations} renegotiations, datagrams lost ${datagrams.lost}/${datagrams.sent}, ` +
    `server out-of-sync ${oneWay.outOfSync}, Postern drops ${JSON.stringify(oneWay.drops)}`);
  assert.ok(oneWay.renegotiations >= 2, `only ${oneWay.renegotiations} renegotiations`);
  // What was already on its way when the server retired the old key is lost (a few ms of
  // traffic per renegotiation); before the fix it was everything up to the next packet the
  // server sent on the new key (14,800 to 27,400 of 68,500 datagrams refused in 25 s, in three runs).
  assert.ok(oneWay.outOfSync <= 300 * oneWay.renegotiations, `the server refused ${oneWay.outOfSync} packets`);
  // Loss beyond the refusals is the kernel's (a starved server's full socket buffer: 2,268 of
  // 68,446 once on this shared machine), hence a loose bound; the refusals above are the sharp one.
  assert.ok(datagrams.sent > 0 && datagrams.lost / datagrams.sent < 0.1, `lost ${datagrams.lost}/${datagrams.sent}`);
  assert.deepEqual(protocolDrops(oneWay.drops), {});
});

interface Measured<T> {
  result: T;
  renegotiations: number;
  /** Data packets the server could not match to a key during the run. */
  outOfSync: number;
  drops: Record<string, number>;
}

/** Runs `work` and counts what happened meanwhile: renegotiations, refusals on both sides. */
async function measure<T>(lab: Lab, postern: PosternProcess, work: () => Promise<T>): Promise<Measured<T>> {
  const logFrom = lab.serverLog().length;
  const linesFrom = postern.lines.length;
  const dropsBefore = lastDrops(postern);
  const result = await work();
  await delay(1500); // one more stats line
  const lines = postern.lines.slice(linesFrom);
  const renegotiations = lines.filter((l) => l['type'] === 'log' && /started a key renegotiation/.test(String((l['line'] as { message?: string }).message))).length;
  const outOfSync = lab.serverLog().slice(logFrom).split('\n').filter((l) => l.includes('keys are out of sync')).length;
  const drops: Record<string, number> = {};
  for (const [reason, count] of Object.entries(lastDrops(postern))) {
    const added = count - (dropsBefore[reason] ?? 0);
    if (added > 0) drops[reason] = added;
  }
  return { result, renegotiations, outOfSync, drops };
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
  longestLostRun: number;
}

/** `count` pings at 5/s to the server through the tunnel; which sequence numbers never came back. */
async function pingThroughTunnel(lab: Lab, count: number): Promise<PingRun> {
  const run = await lab.exec(lab.clientNs, ['ping', '-n', '-i', String(1 / PINGS_PER_SECOND), '-W', '2', '-c', String(count), lab.tunnel.serverIp],
    { timeoutMs: (count / PINGS_PER_SECOND + 20) * 1000 });
  const answered = new Set([...run.stdout.matchAll(/icmp_seq=(\d+) ttl=/g)].map((m) => Number(m[1])));
  const lost: number[] = [];
  let longestLostRun = 0;
  let currentRun = 0;
  for (let seq = 1; seq <= count; seq++) {
    if (answered.has(seq)) {
      currentRun = 0;
      continue;
    }
    lost.push(seq);
    longestLostRun = Math.max(longestLostRun, ++currentRun);
  }
  return { sent: count, lost, longestLostRun };
}

function mbit(bitsPerSecond: number): string {
  return (bitsPerSecond / 1e6).toFixed(0);
}
