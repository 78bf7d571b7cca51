import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { run } from '../../e2e/lab/run';
import { PosternProcess } from '../cli/testing/postern-process';

// The client's network changes under a running `postern connect` (the real helper code,
// as root, in the lab's client namespace, against openvpn 2.6 with `keepalive 10 60`, so a
// ping-restart, 60 s away, cannot be what rescues the tunnel within these waits).

interface ChangeLab {
  lab: Lab;
  postern: PosternProcess;
  /** Every line seen after the tunnel first came up. */
  linesSinceConnected(): Array<Record<string, unknown>>;
}

async function connectInLab(t: TestContext, proto: 'udp' | 'tcp'): Promise<ChangeLab> {
  const lab = await startLab({ proto });
  const profilePath = `${lab.dir}/client.ovpn`;
  writeFileSync(profilePath, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
  const postern = new PosternProcess(lab.clientNs, ['connect', profilePath, '--json']);
  t.after(async () => {
    await postern.stop('SIGKILL');
    await lab.stop();
  });
  await postern.waitForState('connected', 30_000);
  const connectedAt = postern.lines.findIndex((line) => line['type'] === 'state' && line['state'] === 'connected');
  await pingAnswered(lab, 10_000);
  return { lab, postern, linesSinceConnected: () => postern.lines.slice(connectedAt + 1) };
}

/** The client's address on its link to the server moves to another one in the same /24. */
async function moveClientAddress(lab: Lab): Promise<string> {
  const { clientIp, clientInterface } = lab.link;
  const moved = clientIp.replace(/\.2$/, '.3');
  const ip = (...args: string[]): Promise<unknown> => run('ip', ['-n', lab.clientNs, ...args]);
  await ip('addr', 'del', `${clientIp}/24`, 'dev', clientInterface);
  await ip('addr', 'add', `${moved}/24`, 'dev', clientInterface);
  return moved;
}

/** Pings the server's tunnel address once a second until one is answered; false after `withinMs`. */
async function pingAnswered(lab: Lab, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const result = await lab.exec(lab.clientNs, ['ping', '-c', '1', '-W', '1', lab.tunnel.serverIp], { timeoutMs: 5_000 });
    if (result.code === 0) return true;
  }
  return false;
}

const states = (lines: Array<Record<string, unknown>>): string[] => lines.flatMap((l) => (l['type'] === 'state' ? [String(l['state'])] : []));
const logs = (lines: Array<Record<string, unknown>>): string[] => lines.flatMap((l) => (l['type'] === 'log' ? [String((l['line'] as { message?: string }).message)] : []));

labTest('UDP: the client\'s address changes; the same session floats to the new one (no reconnect, no new handshake) and pings continue', { timeout: 90_000 }, async (t) => {
  const { lab, postern, linesSinceConnected } = await connectInLab(t, 'udp');
  const handshakesBefore = (lab.serverLog().match(/Peer Connection Initiated/g) ?? []).length;
  const logOffset = lab.serverLog().length;
  const moved = await moveClientAddress(lab);
  // No traffic of ours yet: the watcher notices the new path and the probe moves the session.
  await postern.waitForLine((l) => l['type'] === 'log' && String((l['line'] as { message?: string }).message).startsWith('network.changed: the path to the server changed'), 20_000);
  const floated = await lab.waitForLog(new RegExp(`${moved.replaceAll('.', '\\.')}`), 20_000, logOffset);
  t.diagnostic(`the server saw ${floated}`);
  // 30 s: far below ping-restart (60 s), generous for a loaded machine.
  assert.ok(await pingAnswered(lab, 30_000), `no ping answered through the tunnel after the move:\n${logs(linesSinceConnected()).join('\n')}`);
  const after = linesSinceConnected();
  t.diagnostic(`after the move: states ${JSON.stringify(states(after))}; ${logs(after).filter((l) => l.startsWith('network.')).join(' | ')}`);
  assert.deepEqual(states(after), [], 'no state change: no reconnect');
  assert.equal((lab.serverLog().match(/Peer Connection Initiated/g) ?? []).length, handshakesBefore, 'no new handshake with the server');
  assert.ok(logs(after).some((line) => line.startsWith('network.changed:')), 'the reconnect of the socket is logged with its reason');
  assert.equal(await postern.stop('SIGTERM'), 0);
});

labTest('TCP: the client\'s address changes; the tunnel reconnects for network.changed, not ping-restart, and pings continue', { timeout: 90_000 }, async (t) => {
  const { lab, postern, linesSinceConnected } = await connectInLab(t, 'tcp');
  await moveClientAddress(lab);
  const reconnecting = await postern.waitForLine((l) => l['type'] === 'state' && l['state'] === 'reconnecting', 30_000);
  assert.equal((reconnecting['reason'] as { code?: string }).code, 'network.changed', JSON.stringify(reconnecting));
  await postern.waitForLine((l) => l['type'] === 'state' && l['state'] === 'connected' && linesSinceConnected().includes(l), 30_000);
  assert.ok(await pingAnswered(lab, 20_000), 'pings through the tunnel after the reconnect');
  const after = linesSinceConnected();
  t.diagnostic(`after the move: states ${JSON.stringify(states(after))}`);
  // No check that the device was kept: the server (duplicate-cn) still holds the old TCP
  // connection, so it pushes the new one another address and the tunnel is re-applied.
  assert.ok(!logs(after).some((line) => line.includes('ping_restart')), 'not a ping-restart');
  assert.equal(await postern.stop('SIGTERM'), 0);
});

labTest('a route to an unrelated prefix comes and goes: nothing happens to the session', { timeout: 60_000 }, async (t) => {
  const { lab, postern, linesSinceConnected } = await connectInLab(t, 'udp');
  const ip = (...args: string[]): Promise<unknown> => run('ip', ['-n', lab.clientNs, ...args]);
  await ip('route', 'add', '203.0.113.0/24', 'via', lab.link.serverIp, 'dev', lab.link.clientInterface);
  await ip('route', 'del', '203.0.113.0/24', 'via', lab.link.serverIp, 'dev', lab.link.clientInterface);
  await ip('route', 'add', '198.51.100.0/24', 'dev', lab.link.clientInterface);
  // The watcher acts 0.4 s after the last change; 3 s of pings leave it ample time to (wrongly) act.
  const result = await lab.exec(lab.clientNs, ['ping', '-c', '15', '-i', '0.2', '-W', '2', lab.tunnel.serverIp], { timeoutMs: 20_000 });
  assert.equal(result.code, 0, result.stdout);
  const after = linesSinceConnected();
  assert.deepEqual(states(after), []);
  assert.deepEqual(logs(after).filter((line) => line.startsWith('network.')), [], 'no network.changed');
  assert.equal(await postern.stop('SIGTERM'), 0);
});
