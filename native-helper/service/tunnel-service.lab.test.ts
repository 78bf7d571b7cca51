import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { startLab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import type { HelperEvent } from '../api/index';
import { HelperEvent as HelperEventSchema } from '../api/index';
import { MemoryTunDevice } from '../tun/index';
import { buildIcmpEchoRequest, parseIcmpEcho, parseIpPacket } from '../tun/ip-packets';
import { TunnelService } from './tunnel-service';

// The service against the real openvpn 2.6 server, with an in-memory TUN device so the
// test sees every packet; the real device and the OS routes have their own lab tests.
labTest('the tunnel service connects, carries packets both ways, reports stats and ends cleanly', async (t) => {
  const lab = await startLab({ proto: 'udp' });
  t.after(() => lab.stop());
  let tun: MemoryTunDevice | undefined;
  const service = new TunnelService({ openTun: (options) => (tun = new MemoryTunDevice(options)), statsIntervalMs: 200 });
  const events: HelperEvent[] = [];
  service.onEvent((event) => {
    assert.ok(HelperEventSchema.safeParse(event).success, `every event matches the schema: ${JSON.stringify(event)}`);
    events.push(event);
  });
  const started = service.connect({ profile: { name: 'lab', text: lab.clientProfile({ remote: 'hostLink' }) } }, { uid: 0, pid: process.pid });
  assert.ok(started.ok);
  await waitFor(() => service.status()?.state === 'connected', 10_000);
  const status = service.status();
  assert.ok(status?.tunnel?.ipv4, 'the assigned address is in the status');
  assert.equal(status.ownerUid, 0);
  const states = events.filter((e) => e.type === 'state').map((e) => e.state);
  assert.deepEqual(states.slice(-3), ['pulling_config', 'configuring', 'connected']);

  const device = tun!;
  for (let seq = 0; seq < 5; seq++) {
    device.inject(buildIcmpEchoRequest({ src: status.tunnel.ipv4, dst: lab.tunnel.serverIp, id: 7, seq }));
  }
  await waitFor(() => device.written.length >= 5, 5000);
  const replies = device.takeWritten().map((p) => parseIpPacket(p)).filter((p) => p.ok).map((p) => parseIcmpEcho(p.value));
  assert.equal(replies.filter((r) => r.ok && r.value.kind === 'reply').length, 5);

  await waitFor(() => events.some((e) => e.type === 'stats' && e.stats.packetsIn > 0), 3000);
  const disconnected = await service.disconnect();
  assert.ok(disconnected.ok);
  assert.equal(device.closed, true, 'the TUN device is closed on disconnect');
  const last = events.filter((e) => e.type === 'state').at(-1);
  assert.equal(last?.type === 'state' && last.state, 'disconnected');
  assert.equal(last?.type === 'state' && last.error, undefined, 'a requested disconnect is not an error');
  assert.equal(service.status()?.state, 'disconnected');

  // Whoever hears "disconnected" may connect again at once (the app's Connect button comes back on that event).
  let again: ReturnType<TunnelService['connect']> | undefined;
  const heard = new Promise<void>((resolve) => service.onEvent((event) => {
    if (event.type !== 'state' || event.state !== 'disconnected' || again) return;
    again = service.connect({ profile: { name: 'lab', text: lab.clientProfile({ remote: 'hostLink' }) } }, { uid: 0, pid: process.pid });
    resolve();
  }));
  const reconnect = service.connect({ profile: { name: 'lab', text: lab.clientProfile({ remote: 'hostLink' }) } }, { uid: 0, pid: process.pid });
  assert.ok(reconnect.ok);
  await waitFor(() => service.status()?.state === 'connected', 10_000);
  await service.disconnect();
  await heard;
  assert.equal(again?.ok, true, `a connect right on "disconnected" is accepted: ${JSON.stringify(again)}`);
  await service.disconnect();
});

labTest('a second connect while one runs is refused; a broken profile gets a line-numbered error', async (t) => {
  const lab = await startLab({ proto: 'udp' });
  t.after(() => lab.stop());
  const service = new TunnelService({ openTun: (options) => new MemoryTunDevice(options) });
  const bad = service.connect({ profile: { name: 'bad', text: 'client\nremote\n' } }, { uid: 0, pid: 1 });
  assert.equal(!bad.ok && bad.error.code, 'profile.invalid');
  assert.match(!bad.ok ? bad.error.message : '', /^line \d+:/);
  const first = service.connect({ profile: { name: 'lab', text: lab.clientProfile({ remote: 'hostLink' }) } }, { uid: 0, pid: 1 });
  assert.ok(first.ok);
  const second = service.connect({ profile: { name: 'lab', text: lab.clientProfile({ remote: 'hostLink' }) } }, { uid: 0, pid: 1 });
  assert.equal(!second.ok && second.error.code, 'tunnel.already_running');
  await service.shutdown();
});

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await delay(20);
  }
}
