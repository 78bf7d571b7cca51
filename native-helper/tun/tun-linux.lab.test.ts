// The Linux TUN device against the real kernel. The device is created in the root
// namespace (where this process lives), then moved into a namespace of its own: the fd
// stays attached to the device across the move, and inside the namespace fixed
// addresses cannot collide with anything else on the machine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { run, runOk } from '../../e2e/lab/run';
import { addonSkipReason } from '../addon/addon-test-prerequisites';
import { buildUdpPacket, echoReplyFor, parseIpPacket, parseUdp } from './ip-packets';
import { TunError } from './tun-error';
import { LinuxTunDevice } from './tun-linux';

const skip = addonSkipReason({ root: true });
const id = `${process.pid}r${randomInt(36 ** 3).toString(36)}`; // ≤ 7 + 1 + 3 chars: names stay ≤ 15
const NS = `psttun${id}`;
const NAME = `pst${id}`;
const TUN_IP = '10.250.0.1';
const PEER_IP = '10.250.0.2';
const TUN_IP6 = 'fd00:250::1';
const PEER_IP6 = 'fd00:250::2';
const MTU = 1400;

const inNs = (...args: string[]): Promise<string> => runOk('ip', ['-n', NS, ...args]);
const execInNs = (argv: string[]): ReturnType<typeof run> => run('ip', ['netns', 'exec', NS, ...argv], { timeoutMs: 15_000 });

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Namespaces of earlier runs that were killed before their after hook. */
async function sweepStale(): Promise<void> {
  for (const line of (await run('ip', ['netns', 'list'])).stdout.split('\n')) {
    const match = /^psttun(\d+)r[a-z0-9]+/.exec(line);
    if (!match) continue;
    try {
      process.kill(Number(match[1]), 0);
    } catch (error) {
      if ((error as { code?: string }).code === 'ESRCH') await run('ip', ['netns', 'del', match[0]]);
    }
  }
}

describe('LinuxTunDevice on a real /dev/net/tun', { skip }, () => {
  let device: LinuxTunDevice | undefined;
  const tun = (): LinuxTunDevice => device ?? assert.fail('no device (the first test failed)');

  before(async () => {
    await sweepStale();
    await runOk('ip', ['netns', 'add', NS]);
  });
  after(async () => {
    device?.close();
    await run('ip', ['link', 'del', NAME]); // only if the move into the namespace failed
    await run('ip', ['netns', 'del', NS]);
  });

  test('opens with MTU 1400 and up, moves into a namespace, takes addresses', async () => {
    device = LinuxTunDevice.open({ name: NAME, mtuBytes: MTU });
    assert.equal(device.name, NAME);
    const [link] = JSON.parse(await runOk('ip', ['-j', 'link', 'show', 'dev', NAME])) as { mtu: number; flags: string[] }[];
    assert.equal(link?.mtu, MTU);
    assert.ok(link?.flags.includes('UP'), `flags: ${link?.flags.join(',')}`);

    await runOk('ip', ['link', 'set', NAME, 'netns', NS]);
    await inNs('addr', 'add', `${TUN_IP}/30`, 'dev', NAME);
    await inNs('-6', 'addr', 'add', `${TUN_IP6}/64`, 'dev', NAME, 'nodad');
    await inNs('link', 'set', NAME, 'up', 'txqueuelen', '2000'); // the move took it down
    const [moved] = JSON.parse(await inNs('-j', 'addr', 'show', 'dev', NAME)) as { mtu: number; addr_info: { local: string }[] }[];
    assert.equal(moved?.mtu, MTU);
    assert.deepEqual(moved?.addr_info.map((a) => a.local).filter((a) => !a.startsWith('fe80')), [TUN_IP, TUN_IP6]);
    assert.notEqual((await run('ip', ['link', 'show', NAME])).code, 0, 'gone from the root namespace');
  });

  test('ping through the device succeeds: we read the requests and write the replies', async () => {
    const requests: Record<string, number> = { ipv4: 0, ipv6: 0 };
    tun().onPackets((packets) => {
      for (const packet of packets) {
        const reply = echoReplyFor(packet);
        if (!reply.ok) continue; // router solicitations, MLD reports...
        requests[packet[0] === 0x45 ? 'ipv4' : 'ipv6']! += 1;
        assert.equal(tun().write(reply.value), true);
      }
    });
    for (const [flag, peer] of [['-4', PEER_IP], ['-6', PEER_IP6]] as const) {
      const ping = await execInNs(['ping', flag, '-c', '3', '-i', '0.2', '-W', '2', peer]);
      assert.equal(ping.code, 0, `ping ${peer}: ${ping.stdout}${ping.stderr}`);
    }
    assert.deepEqual(requests, { ipv4: 3, ipv6: 3 });
  });

  test('a burst of 1000 UDP packets arrives in order, in batches, without blocking the loop', async (t) => {
    const seqs: number[] = [];
    const batchSizes: number[] = [];
    tun().onPackets((packets) => {
      batchSizes.push(packets.length);
      for (const packet of packets) {
        const ip = parseIpPacket(packet);
        const udp = ip.ok ? parseUdp(ip.value) : undefined;
        if (udp?.ok && udp.value.dstPort === 9999) seqs.push(udp.value.payload.readUInt32BE(0));
      }
    });
    let last = performance.now();
    let maxGapMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
    }, 2);
    const sender = `const s = require('dgram').createSocket('udp4'); let done = 0;
      for (let i = 0; i < 1000; i++) { const m = Buffer.alloc(200); m.writeUInt32BE(i);
        s.send(m, 9999, '${PEER_IP}', () => { if (++done === 1000) s.close(); }); }`;
    try {
      const sent = await execInNs([process.execPath, '-e', sender]);
      assert.equal(sent.code, 0, sent.stderr);
      await waitFor(() => seqs.length >= 1000, '1000 packets');
    } finally {
      clearInterval(ticker);
    }
    assert.deepEqual(seqs, Array.from({ length: 1000 }, (_, i) => i));
    const sizes = [...batchSizes].sort((a, b) => a - b);
    t.diagnostic(`${batchSizes.length} batches; size median ${sizes[sizes.length >> 1]}, max ${sizes.at(-1)}; longest event-loop gap ${maxGapMs.toFixed(1)} ms`);
    assert.ok((sizes.at(-1) ?? 0) > 1, 'at least one batch of more than one packet');
    assert.ok(maxGapMs < 250, `the event loop stalled for ${maxGapMs} ms`);
  });

  test('writeBatch writes each packet on its own, skipping one the kernel refuses', async () => {
    const receiver = spawn('ip', ['netns', 'exec', NS, process.execPath, '-e', `
      const s = require('dgram').createSocket('udp4'); const got = [];
      s.on('message', (m) => { got.push(m.toString()); if (got.length === 2) { console.log(got.join(',')); process.exit(0); } });
      s.bind(7777, '${TUN_IP}', () => console.log('ready')); setTimeout(() => process.exit(3), 5000);`]);
    let output = '';
    receiver.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => receiver.on('exit', resolve));
    await waitFor(() => output.includes('ready'), 'the receiver');
    const udp = (text: string): Buffer => buildUdpPacket({ src: PEER_IP, dst: TUN_IP, srcPort: 1234, dstPort: 7777, payload: Buffer.from(text) });
    const notIp = Buffer.alloc(28); // version nibble 0: neither IPv4 nor IPv6
    assert.equal(tun().writeBatch([udp('one'), notIp, udp('two')]), 2);
    assert.equal(await exited, 0);
    assert.match(output, /one,two/);
  });

  test('a packet longer than the MTU we opened with is dropped and counted, never cut short', async () => {
    const lengths: number[] = [];
    tun().onPackets((packets) => lengths.push(...packets.map((packet) => packet.length)));
    await inNs('link', 'set', NAME, 'mtu', '1500'); // raised behind the device's back
    const before = tun().readerStats().oversized;
    await execInNs(['ping', '-c', '1', '-W', '0.3', '-s', '1450', PEER_IP]); // 1478-byte packet, no reply
    await waitFor(() => tun().readerStats().oversized === before + 1, 'the oversized drop');
    await inNs('link', 'set', NAME, 'mtu', String(MTU));
    assert.ok(lengths.every((length) => length <= MTU), `lengths ${lengths.join(',')}`);
  });

  test('close() stops callbacks at once and removes the device', async () => {
    let calls = 0;
    tun().onPackets(() => { calls++; });
    const flood = spawn('ip', ['netns', 'exec', NS, 'ping', '-i', '0.002', '-q', PEER_IP], { stdio: 'ignore' });
    try {
      await waitFor(() => calls > 3, 'traffic before close');
      tun().close();
      const atClose = calls;
      await sleep(100);
      assert.equal(calls, atClose, 'no callback after close()');
    } finally {
      flood.kill();
    }
    assert.notEqual((await run('ip', ['-n', NS, 'link', 'show', NAME])).code, 0, 'the device is gone');
    assert.equal(tun().write(Buffer.alloc(20)), false);
    assert.equal(tun().writeBatch([Buffer.alloc(20)]), 0);
    tun().close(); // idempotent
  });

  test('a device deleted under us reports onDidFail once; opening a taken name is EBUSY', async () => {
    const name = `pst${id}b`;
    const second = LinuxTunDevice.open({ name, mtuBytes: MTU });
    try {
      assert.throws(() => LinuxTunDevice.open({ name, mtuBytes: MTU }), (error: unknown) =>
        error instanceof TunError && error.code === 'tun.open_failed' && error.systemCode === 'EBUSY');
      const failures: TunError[] = [];
      second.onDidFail((error) => failures.push(error));
      second.onPackets(() => undefined);
      await runOk('ip', ['link', 'del', name]);
      await waitFor(() => failures.length > 0, 'onDidFail');
      await sleep(50);
      assert.equal(failures.length, 1);
      assert.equal(failures[0]?.code, 'tun.device_failed');
      assert.equal(second.write(Buffer.alloc(20, 0x45)), false, 'a write to a deleted device is a drop');
    } finally {
      second.close();
      await run('ip', ['link', 'del', name]);
    }
  });
});

describe('LinuxTunDevice as a tap device (Ethernet frames; the kernel does ARP on it)', { skip }, () => {
  const TAP_NS = `${NS}t`; // sweepStale's pattern covers it
  const TAP = `pst${id}p`;
  const TAP_IP = '10.251.0.1';
  const FAR_IP = '10.251.0.2';
  const FAR_MAC = Buffer.from([0x02, 0x00, 0x5e, 0x10, 0x00, 0x02]);
  let device: LinuxTunDevice | undefined;

  before(() => runOk('ip', ['netns', 'add', TAP_NS]));
  after(async () => {
    device?.close();
    await run('ip', ['link', 'del', TAP]); // only if the move into the namespace failed
    await run('ip', ['netns', 'del', TAP_NS]);
  });

  test('IFF_TAP | IFF_NO_PI; ARP answered from our side, then a full-MTU ping arrives as one whole frame and is answered', async () => {
    device = LinuxTunDevice.open({ name: TAP, mtuBytes: MTU, device: 'tap' });
    assert.equal((await runOk('cat', [`/sys/class/net/${TAP}/tun_flags`])).trim(), '0x1002');
    await runOk('ip', ['link', 'set', TAP, 'netns', TAP_NS]);
    await runOk('ip', ['-n', TAP_NS, 'addr', 'add', `${TAP_IP}/24`, 'dev', TAP]);
    await runOk('ip', ['-n', TAP_NS, 'link', 'set', TAP, 'up']);
    const ours = Buffer.from((JSON.parse(await runOk('ip', ['-n', TAP_NS, '-j', 'link', 'show', 'dev', TAP])) as { address: string }[])[0]?.address.split(':').map((h) => Number.parseInt(h, 16)) ?? []);
    const seen = { arpRequests: 0, echoLengths: [] as number[] };
    device.onPackets((frames) => {
      for (const frame of frames) {
        const ethertype = frame.readUInt16BE(12);
        if (ethertype === 0x0806 && frame.readUInt16BE(20) === 1 && frame.subarray(38, 42).equals(Buffer.from([10, 251, 0, 2]))) {
          seen.arpRequests++;
          assert.equal(device?.write(arpReply(frame, FAR_MAC)), true);
        } else if (ethertype === 0x0800) {
          const reply = echoReplyFor(frame.subarray(14));
          if (!reply.ok) continue;
          seen.echoLengths.push(frame.length);
          assert.deepEqual(frame.subarray(0, 6), FAR_MAC, 'sent to the MAC our ARP reply gave');
          assert.equal(device?.write(Buffer.concat([ours, FAR_MAC, frame.subarray(12, 14), reply.value])), true);
        }
      }
    });
    // 1372 bytes of ICMP data: a 1400-byte IP packet, the MTU, in a 1414-byte frame.
    const ping = await run('ip', ['netns', 'exec', TAP_NS, 'ping', '-c', '2', '-i', '0.2', '-W', '2', '-s', String(MTU - 28), FAR_IP], { timeoutMs: 15_000 });
    assert.equal(ping.code, 0, `${ping.stdout}${ping.stderr}`);
    assert.ok(seen.arpRequests >= 1, 'the kernel asked for the far end by ARP');
    assert.deepEqual(seen.echoLengths, [MTU + 14, MTU + 14]);
    assert.equal(device.readerStats().oversized, 0);
    const neighbour = await runOk('ip', ['-n', TAP_NS, 'neigh', 'show', FAR_IP, 'dev', TAP]);
    assert.match(neighbour, /lladdr 02:00:5e:10:00:02 /, neighbour);
  });
});

/** The ARP reply (RFC 826) to a request frame: "FAR is at mac", sent back to the asker. */
function arpReply(request: Buffer, mac: Buffer): Buffer {
  const asker = request.subarray(6, 12);
  const reply = Buffer.alloc(42);
  asker.copy(reply, 0);
  mac.copy(reply, 6);
  reply.writeUInt16BE(0x0806, 12);
  request.copy(reply, 14, 14, 20); // hardware type, protocol type, sizes
  reply.writeUInt16BE(2, 20); // reply
  mac.copy(reply, 22);
  request.copy(reply, 28, 38, 42); // sender IP: the address asked for
  request.copy(reply, 32, 22, 32); // target: the asker's MAC and IP
  return reply;
}
