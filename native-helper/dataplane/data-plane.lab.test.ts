// The addon's DataPlane between a real TUN device (in a throwaway namespace) and a UDP
// socket on loopback whose other end plays the server with core's TypeScript AeadCipher
// and compression framing: every packet that crosses proves the plane byte-equal with
// core's path, both ways. Also: pings counted, not written; control packets, unknown key
// ids and OCC passed up; replays and bad packets counted under core's codes; the send key
// switched by core's rule; JS sends through the same key never reuse a packet id.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AEAD_SUITES, AeadCipher, OCC_MAGIC, PING_MAGIC, decodeCompressionFraming, encodeCompressionFraming, type DataKeys } from '../../core/index';
import { run, runOk } from '../../e2e/lab/run';
import { addonSkipReason } from '../addon/addon-test-prerequisites';
import { loadTunAddon, type DataPlaneOptions } from '../addon/tun-addon';
import { NativeDataCipher } from '../crypto/native-data-cipher';

const skip = addonSkipReason({ root: true });
const id = `${process.pid}p${randomInt(36 ** 3).toString(36)}`;
const NS = `pstdp${id}`;
const suite = AEAD_SUITES['AES-256-GCM'];
const PEER_ID = 0x0a0b0c;

before(async () => { if (!skip) await runOk('ip', ['netns', 'add', NS]); });
after(async () => { if (!skip) await run('ip', ['netns', 'del', NS]); });

function keyPair(): { client: DataKeys; server: DataKeys } {
  const k0 = { cipherKey: randomBytes(64), hmacKey: randomBytes(64) };
  const k1 = { cipherKey: randomBytes(64), hmacKey: randomBytes(64) };
  return { client: { encrypt: k0, decrypt: k1 }, server: { encrypt: k1, decrypt: k0 } };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An ICMP echo request turned into its reply (addresses swapped, type 0, ICMP checksum redone). */
function echoReply(request: Buffer): Buffer {
  const reply = Buffer.from(request);
  request.copy(reply, 12, 16, 20);
  request.copy(reply, 16, 12, 16);
  const icmp = (reply[0]! & 0x0f) * 4;
  reply[icmp] = 0;
  reply.writeUInt16BE(0, icmp + 2);
  let sum = 0;
  for (let i = icmp; i < reply.length; i += 2) sum += (reply[i]! << 8) | (reply[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  reply.writeUInt16BE(~sum & 0xffff, icmp + 2);
  return reply;
}

for (const [index, framing] of (['none', 'stub', 'stub-v2', 'lzo'] as const).entries()) {
  test(`framing ${framing}: pings cross TUN → plane → "server" (core's cipher) and back; the plane counts, passes up and drops as core would`, { skip, timeout: 60_000 }, async () => {
    assert.ok(suite);
    const addon = loadTunAddon();
    const name = `pdp${id}${index}`.slice(0, 15);
    const subnet = `10.251.${index}`;
    const tun = addon.openTun(name);
    await runOk('ip', ['link', 'set', name, 'netns', NS]);
    await runOk('ip', ['-n', NS, 'addr', 'add', `${subnet}.1/24`, 'dev', name]);
    await runOk('ip', ['-n', NS, 'link', 'set', name, 'up']);

    // The "server": core's reference cipher and framing behind a node:dgram socket.
    const keys = keyPair();
    const server = new AeadCipher('AES-256-GCM', suite, keys.server, 1);
    const serverNext = new AeadCipher('AES-256-GCM', suite, (() => { const k = keyPair(); return k.server; })(), 1);
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    let client: RemoteInfo | undefined;
    const seen: { keyId: number; packetId: number; plain: Buffer }[] = [];
    peer.on('message', (packet, from) => {
      client = from;
      const keyId = packet[0]! & 7;
      assert.equal(packet[0]! >> 3, 9, 'DATA_V2');
      assert.equal(packet.readUInt32BE(0) & 0xffffff, PEER_ID);
      const plain = server.decrypt(packet);
      assert.ok(plain.ok, `the server opens what the plane sealed: ${plain.ok ? '' : plain.error}`);
      const unframed = decodeCompressionFraming(framing, plain.value, { allowDecompression: false });
      assert.ok(unframed.ok);
      seen.push({ keyId, packetId: packet.readUInt32BE(4), plain: unframed.value });
      const ip = unframed.value;
      if (ip[0] === 0x45 && ip[9] === 1 && ip[20] === 8) {
        peer.send(server.encrypt(encodeCompressionFraming(framing, echoReply(ip)), 0, PEER_ID), from.port, from.address);
      }
    });

    const up: { kind: number; bytes: Buffer }[] = [];
    const socket = new addon.UdpSocket(4, '127.0.0.1', (peer.address() as AddressInfo).port, () => assert.fail('the plane owns receiving'), { maxBatch: 16, maxPacket: 65_507 }, () => undefined);
    socket.pause();
    const options: DataPlaneOptions = { maxBatch: 16, mtu: 1500, maxMss: 1400, framing, peerId: PEER_ID };
    const plane = new addon.DataPlane(tun.fd, socket.fd(), options, (buffer, lengths, kinds, count) => {
      let offset = 0;
      for (let i = 0; i < count; i++) {
        up.push({ kind: kinds[i]!, bytes: Buffer.from(buffer.subarray(offset, offset + lengths[i]!)) });
        offset += lengths[i]!;
      }
    });
    const current = new NativeDataCipher('AES-256-GCM', suite, keys.client, 1, addon);
    try {
      plane.setKeys([{ keyId: 0, key: current.key, encryptNotBeforeInMs: 0, peerSendsWithKey: false }]);
      plane.start();
      const ping = await run('ip', ['netns', 'exec', NS, 'ping', '-c', '5', '-i', '0.05', '-w', '10', '-s', '1200', `${subnet}.2`]);
      assert.match(ping.stdout, /5 received/, ping.stdout + ping.stderr);
      assert.ok(client);

      // JS sends through the same key in between: its packet id is the next one, never reused.
      const before = seen.length;
      peer.send(Buffer.alloc(0), 0, 0, client.port, client.address); // ignored
      const jsPacket = current.encrypt(encodeCompressionFraming(framing, Buffer.from(PING_MAGIC)), 0, PEER_ID);
      socket.sendBatch([jsPacket], 0);
      await until(() => seen.length > before, 'the JS-sent ping');
      const ids = seen.map((s) => s.packetId);
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'packet ids rise');
      assert.equal(new Set(ids).size, ids.length, 'no packet id twice');

      // From the server: a ping (counted), an OCC message and a control packet (up), a replay and
      // a truncated packet (dropped), a packet under a key id the plane does not hold (up).
      const to = (packet: Buffer): void => { peer.send(packet, client!.port, client!.address); };
      const serverPing = server.encrypt(encodeCompressionFraming(framing, Buffer.from(PING_MAGIC)), 0, PEER_ID);
      to(serverPing);
      to(serverPing);
      to(server.encrypt(encodeCompressionFraming(framing, Buffer.concat([OCC_MAGIC, Buffer.from([6])])), 0, PEER_ID));
      const control = Buffer.from([0x20, 1, 2, 3, 4]);
      to(control);
      to(serverPing.subarray(0, 20));
      const otherKey = serverNext.encrypt(Buffer.from('x'), 3, PEER_ID);
      to(otherKey);
      await until(() => up.length >= 3 && (plane.stats().drops['data.truncated'] ?? 0) >= 1, 'what goes up');
      const stats = plane.stats();
      assert.equal(stats.pingsIn, 1);
      assert.equal(stats.drops['data.replay'], 1);
      assert.equal(stats.drops['data.truncated'], 1);
      const requests = seen.filter((s) => s.plain[0] === 0x45 && s.plain[9] === 1).length;
      assert.ok(requests >= 5 && stats.tunPacketsIn === requests, 'the echo replies, and nothing else, went to the TUN');
      assert.ok(stats.tunPacketsOut >= 5, 'the requests (and whatever else the namespace sent: IPv6 solicitations)');
      assert.deepEqual(up.map((u) => u.kind).sort(), [0, 0, 1]);
      assert.deepEqual(up.find((u) => u.kind === 1)?.bytes, Buffer.concat([OCC_MAGIC, Buffer.from([6])]));
      assert.ok(up.some((u) => u.kind === 0 && u.bytes.equals(control)));
      assert.ok(up.some((u) => u.kind === 0 && u.bytes.equals(otherKey)));
      assert.ok(stats.msSinceReceived >= 0 && stats.msSinceSent >= 0);
      assert.equal(stats.drops['data.auth_failed'] ?? 0, 0);
      // Every datagram went out whole and in order above, with UDP GSO on (loopback takes it).
      assert.equal(stats.udpGso, 1);
    } finally {
      plane.stop();
      plane.stop();
      socket.close();
      peer.close();
      addon.close(tun.fd);
    }
  });
}

test('the send key follows core\'s rule: a new key waits (deferred auth) until the server uses it', { skip, timeout: 60_000 }, async () => {
  assert.ok(suite);
  const addon = loadTunAddon();
  const name = `pdk${id}`.slice(0, 15);
  const tun = addon.openTun(name);
  await runOk('ip', ['link', 'set', name, 'netns', NS]);
  await runOk('ip', ['-n', NS, 'addr', 'add', '10.252.0.1/24', 'dev', name]);
  await runOk('ip', ['-n', NS, 'link', 'set', name, 'up']);
  const [oldKeys, newKeys] = [keyPair(), keyPair()];
  const servers = new Map([[0, new AeadCipher('AES-256-GCM', suite, oldKeys.server, 1)], [1, new AeadCipher('AES-256-GCM', suite, newKeys.server, 1)]]);
  const peer = createSocket('udp4');
  await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
  let client: RemoteInfo | undefined;
  const keyIds: number[] = [];
  peer.on('message', (packet, from) => {
    client = from;
    const keyId = packet[0]! & 7;
    assert.ok(servers.get(keyId)!.decrypt(packet).ok);
    keyIds.push(keyId);
  });
  const socket = new addon.UdpSocket(4, '127.0.0.1', (peer.address() as AddressInfo).port, () => undefined, { maxBatch: 16, maxPacket: 65_507 }, () => undefined);
  socket.pause();
  const plane = new addon.DataPlane(tun.fd, socket.fd(), { maxBatch: 16, mtu: 1500, maxMss: -1, framing: 'none', peerId: PEER_ID }, () => undefined);
  const oldKey = new NativeDataCipher('AES-256-GCM', suite, oldKeys.client, 1, addon);
  const newKey = new NativeDataCipher('AES-256-GCM', suite, newKeys.client, 1, addon);
  const traffic = (): Promise<unknown> => run('ip', ['netns', 'exec', NS, 'ping', '-c', '2', '-i', '0.05', '-W', '0.2', '10.252.0.2']);
  try {
    // Newest first: key 1 installed a minute before its deferred-auth window ends.
    plane.setKeys([{ keyId: 1, key: newKey.key, encryptNotBeforeInMs: 60_000, peerSendsWithKey: false }, { keyId: 0, key: oldKey.key, encryptNotBeforeInMs: -1, peerSendsWithKey: false }]);
    plane.start();
    await traffic();
    assert.ok(keyIds.length > 0 && keyIds.every((k: number) => k === 0 as number), `the old key until then: ${keyIds.join()}`);
    // The server encrypts with the new key: from now on we do too (its tag proves it holds it).
    peer.send(servers.get(1)!.encrypt(Buffer.from(PING_MAGIC), 1, PEER_ID), client!.port, client!.address);
    await until(() => newKey.peerHasSent, 'the server\'s packet on key 1');
    keyIds.length = 0;
    await traffic();
    assert.ok(keyIds.length > 0 && keyIds.every((k: number) => k === 1 as number), `the new key after: ${keyIds.join()}`);
    // A newer negotiation begun (no data keys yet): key 1 is superseded, still the send key.
    plane.setKeys([{ keyId: 2, key: null, encryptNotBeforeInMs: 0, peerSendsWithKey: false }, { keyId: 1, key: newKey.key, encryptNotBeforeInMs: 60_000, peerSendsWithKey: false }]);
    keyIds.length = 0;
    await traffic();
    assert.ok(keyIds.every((k: number) => k === 1 as number));
    // No keys (the session ended): everything read is dropped as data.no_send_key.
    plane.setKeys([]);
    keyIds.length = 0;
    await traffic();
    assert.equal(keyIds.length, 0);
    assert.ok((plane.stats().drops['data.no_send_key'] ?? 0) >= 2);
  } finally {
    plane.stop();
    socket.close();
    peer.close();
    addon.close(tun.fd);
  }
});

test('bad arguments are TypeErrors and RangeErrors, not crashes', { skip }, () => {
  const addon = loadTunAddon();
  const ok: DataPlaneOptions = { maxBatch: 8, mtu: 1500, maxMss: -1, framing: 'none', peerId: -1 };
  assert.throws(() => new addon.DataPlane(0, 1, { ...ok, framing: 'lz5' as 'none' }, () => undefined), RangeError);
  assert.throws(() => new addon.DataPlane(0, 1, { ...ok, mtu: 100 }, () => undefined), RangeError);
  assert.throws(() => new addon.DataPlane(0, 1, ok, 'x' as unknown as () => void), TypeError);
  const plane = new addon.DataPlane(0, 1, ok, () => undefined);
  assert.throws(() => plane.setKeys([{ keyId: 9, key: null, encryptNotBeforeInMs: 0, peerSendsWithKey: false }]), RangeError);
  assert.throws(() => plane.setKeys([{ keyId: 0, key: {} as never, encryptNotBeforeInMs: 0, peerSendsWithKey: false }]), TypeError);
  plane.stop();
});

test('UDP GSO on: a flood of equal-sized packets, segmented by the kernel, reaches the server as whole datagrams in order', { skip, timeout: 60_000 }, async () => {
  assert.ok(suite);
  const addon = loadTunAddon();
  const name = `pdg${id}`.slice(0, 15);
  const tun = addon.openTun(name);
  await runOk('ip', ['link', 'set', name, 'netns', NS]);
  await runOk('ip', ['-n', NS, 'addr', 'add', '10.253.0.1/24', 'dev', name]);
  await runOk('ip', ['-n', NS, 'link', 'set', name, 'up']);
  const keys = keyPair();
  const server = new AeadCipher('AES-256-GCM', suite, keys.server, 1);
  const peer = createSocket('udp4');
  await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
  const received: number[] = [];
  peer.on('message', (packet) => {
    const plain = server.decrypt(packet);
    assert.ok(plain.ok, 'each segment is one whole datagram the server opens');
    received.push(packet.readUInt32BE(4));
  });
  const socket = new addon.UdpSocket(4, '127.0.0.1', (peer.address() as AddressInfo).port, () => undefined, { maxBatch: 64, maxPacket: 65_507 }, () => undefined);
  socket.pause();
  const plane = new addon.DataPlane(tun.fd, socket.fd(), { maxBatch: 64, mtu: 1500, maxMss: -1, framing: 'none', peerId: PEER_ID }, () => undefined);
  const key = new NativeDataCipher('AES-256-GCM', suite, keys.client, 1, addon);
  try {
    plane.setKeys([{ keyId: 0, key: key.key, encryptNotBeforeInMs: 0, peerSendsWithKey: false }]);
    plane.start();
    // A flood of same-sized pings: the TUN queue fills between wake-ups, so reads come in bursts.
    await run('ip', ['netns', 'exec', NS, 'ping', '-f', '-c', '400', '-s', '1000', '-W', '0.1', '10.253.0.2']);
    await until(() => received.length >= plane.stats().packetsOut, 'every datagram at the server');
    const stats = plane.stats();
    assert.equal(stats.udpGso, 1);
    assert.ok(stats.packetsOut >= 400);
    assert.deepEqual(received, [...received].sort((a, b) => a - b), 'in order');
    assert.equal(new Set(received).size, received.length);
    assert.ok(stats.sendCalls <= stats.tunBatches, `${stats.sendCalls} sends for ${stats.tunBatches} TUN bursts of ${stats.packetsOut} packets`);
  } finally {
    plane.stop();
    socket.close();
    peer.close();
    addon.close(tun.fd);
  }
});
