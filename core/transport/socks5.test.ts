import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { Secret } from '../wire/secret';
import {
  encodeGreeting, encodeRequest, encodeUdpHeader, encodeUserPass, parseAuthStatus, parseMethodChoice, parseReply,
  parseUdpDatagram, sameAddress, socks5Handshake,
} from './socks5';
import { openSocks5UdpLink } from './socks5-udp-link';
import type { DropReason } from '../session/codes';

test('greeting, sign-in and requests are the bytes of RFC 1928/1929', () => {
  assert.deepEqual([...encodeGreeting(false)], [5, 1, 0]);
  assert.deepEqual([...encodeGreeting(true)], [5, 2, 0, 2]);
  assert.deepEqual([...encodeUserPass('ab', new Secret('xyz')) ?? []], [1, 2, 97, 98, 3, 120, 121, 122]);
  assert.equal(encodeUserPass('a'.repeat(256), new Secret('p')), undefined);
  assert.deepEqual([...encodeRequest('connect', { address: '10.1.2.3', port: 1194 })], [5, 1, 0, 1, 10, 1, 2, 3, 4, 170]);
  assert.deepEqual([...encodeRequest('udp-associate', { address: '0.0.0.0', port: 0 })], [5, 3, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...encodeRequest('connect', { address: 'fd00::1', port: 1 })].slice(0, 5), [5, 1, 0, 4, 0xfd]);
  assert.deepEqual([...encodeRequest('connect', { address: 'vpn.example', port: 1 })].slice(0, 5), [5, 1, 0, 3, 11]);
  assert.deepEqual([...encodeUdpHeader({ address: '10.0.0.1', port: 1194 })], [0, 0, 0, 1, 10, 0, 0, 1, 4, 170]);
});

test('replies: partial ones wait, bad ones end with a proxy code, good ones give the bound address', () => {
  assert.equal(parseMethodChoice(Buffer.from([5]), false), undefined);
  assert.deepEqual(parseMethodChoice(Buffer.from([5, 0]), false), { ok: true, value: 'none', consumed: 2 });
  assert.deepEqual(parseMethodChoice(Buffer.from([5, 2]), true), { ok: true, value: 'userpass', consumed: 2 });
  assert.equal(failure(parseMethodChoice(Buffer.from([5, 0xff]), false)), 'proxy.auth_required');
  assert.equal(failure(parseMethodChoice(Buffer.from([5, 2]), false)), 'proxy.bad_reply');
  assert.equal(failure(parseMethodChoice(Buffer.from([4, 0]), false)), 'proxy.bad_reply');
  assert.equal(failure(parseAuthStatus(Buffer.from([1, 1]))), 'proxy.auth_rejected');
  assert.equal(failure(parseReply(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]))), 'proxy.refused');
  assert.equal(failure(parseReply(Buffer.from([5, 0, 0, 9, 0, 0]))), 'proxy.bad_reply');
  assert.equal(parseReply(Buffer.from([5, 0, 0, 1, 10, 0])), undefined);
  assert.deepEqual(parseReply(Buffer.from([5, 0, 0, 1, 10, 0, 0, 2, 0x1f, 0x90, 0xaa])), { ok: true, value: { address: '10.0.0.2', port: 8080 }, consumed: 10 });
  const v6 = parseReply(Buffer.from([5, 0, 0, 4, 0xfd, ...Array<number>(14).fill(0), 1, 0, 53]));
  assert.ok(v6?.ok && sameAddress(v6.value.address, 'fd00::1'));
});

test('relay datagrams: the header comes off; short, fragmented or unknown-type ones are named drops', () => {
  const good = parseUdpDatagram(Buffer.concat([encodeUdpHeader({ address: '10.0.0.1', port: 1194 }), Buffer.from('hi')]));
  assert.ok(good.ok);
  assert.deepEqual([good.from, good.payload.toString()], [{ address: '10.0.0.1', port: 1194 }, 'hi']);
  assert.deepEqual(parseUdpDatagram(Buffer.from([0, 0])), { ok: false, reason: 'socks.bad_header' });
  assert.deepEqual(parseUdpDatagram(Buffer.from([0, 0, 1, 1, 10, 0, 0, 1, 0, 1])), { ok: false, reason: 'socks.fragment' });
  assert.deepEqual(parseUdpDatagram(Buffer.from([0, 0, 0, 7, 10, 0, 0, 1, 0, 1])), { ok: false, reason: 'socks.bad_header' });
  assert.deepEqual(parseUdpDatagram(Buffer.from([0, 0, 0, 1, 10, 0])), { ok: false, reason: 'socks.bad_header' });
  assert.ok(sameAddress('::ffff:10.0.0.1', '10.0.0.1'));
  assert.ok(sameAddress('FD00:0::1', 'fd00::0:1'));
  assert.ok(!sameAddress('10.0.0.1', '10.0.0.2'));
});

test('random bytes as proxy replies never throw', () => {
  for (let i = 0; i < 5_000; i++) {
    const bytes = Buffer.from(Array.from({ length: i % 40 }, () => Math.floor(Math.random() * 256)));
    parseMethodChoice(bytes, i % 2 === 0);
    parseAuthStatus(bytes);
    parseReply(bytes);
    parseUdpDatagram(bytes);
  }
});

/** A scripted proxy on loopback: answers each client with `reply(request bytes so far)`. */
async function scriptedProxy(answer: (received: Buffer, socket: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => { received = Buffer.concat([received, chunk]); answer(received, socket); });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

async function handshakeWith(answer: (received: Buffer, socket: Socket) => void, credentials = true): Promise<string> {
  const proxy = await scriptedProxy(answer);
  const socket = connect({ host: '127.0.0.1', port: proxy.port });
  await new Promise((resolve) => socket.once('connect', resolve));
  try {
    const settings = { host: '127.0.0.1', port: proxy.port, ...(credentials ? { username: 'u', password: new Secret('FAKE-pw') } : {}) };
    const { bound, rest } = await socks5Handshake(socket, 'connect', { address: '10.9.9.9', port: 1194 }, settings);
    return `ok ${bound.address}:${bound.port} rest=${rest.toString()}`;
  } catch (error) {
    return (error as { code: string }).code;
  } finally {
    socket.destroy();
    await proxy.close();
  }
}

test('handshake over a socket: sign-in, CONNECT, and the stream bytes that came with the reply', async () => {
  const result = await handshakeWith((received, socket) => {
    if (received.length === 4) socket.write(Buffer.from([5, 2]));
    if (received.length === 4 + 11) socket.write(Buffer.from([1, 0]));
    if (received.length === 15 + 10) socket.write(Buffer.concat([Buffer.from([5, 0, 0, 1, 10, 0, 0, 5, 0, 80]), Buffer.from('early')]));
  });
  assert.equal(result, 'ok 10.0.0.5:80 rest=early');
});

test('hostile or failing proxies end the handshake with a proxy code, never a throw', async () => {
  assert.equal(await handshakeWith((received, socket) => { if (received.length === 4) socket.write(Buffer.from([5, 2])); if (received.length === 15) socket.write(Buffer.from([1, 1])); }), 'proxy.auth_rejected');
  assert.equal(await handshakeWith((_r, socket) => socket.write(Buffer.from([5, 0xff])), false), 'proxy.auth_required');
  assert.equal(await handshakeWith((_r, socket) => socket.end()), 'proxy.closed');
  assert.equal(await handshakeWith((_r, socket) => socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))), 'proxy.bad_reply');
  assert.equal(await handshakeWith((received, socket) => {
    if (received.length === 4) socket.write(Buffer.from([5, 0]));
    if (received.length === 14) socket.write(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
  }), 'proxy.refused');
  // A reply cut short (a domain name of 255 bytes announced, 3 sent) waits, then the proxy goes.
  assert.equal(await handshakeWith((received, socket) => {
    if (received.length === 4) socket.write(Buffer.from([5, 0]));
    if (received.length === 14) socket.end(Buffer.from([5, 0, 0, 3, 255, 1, 2, 3]));
  }), 'proxy.closed');
});

test('UDP through a relay: the header is added and removed, strangers and other sources are counted, the relay closing closes the link', async () => {
  const relay = createSocket('udp4');
  await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', resolve));
  const relayPort = relay.address().port;
  const server = { address: '10.9.9.9', port: 1194 };
  let control: Socket | undefined;
  const proxy = await scriptedProxy((received, socket) => {
    control = socket;
    if (received.length === 3) socket.write(Buffer.from([5, 0]));
    // BND.ADDR 0.0.0.0: the relay is at the proxy's own address.
    if (received.length === 13) socket.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, relayPort >> 8, relayPort & 0xff]));
  });
  const packets: string[] = [];
  const drops: DropReason[] = [];
  const closed: string[] = [];
  const link = await openSocks5UdpLink(server.address, server.port, 4, {
    onPacket: (p) => packets.push(p.toString()), onDrop: (r) => drops.push(r), onClosed: (r) => closed.push(r),
  }, { host: '127.0.0.1', port: proxy.port });
  try {
    const fromClient = new Promise<{ data: Buffer; port: number }>((resolve) => relay.once('message', (data, info) => resolve({ data, port: info.port })));
    link.send(Buffer.from('P_CONTROL_HARD_RESET'));
    const sent = await fromClient;
    assert.deepEqual(parseUdpDatagram(sent.data), { ok: true, from: server, payload: Buffer.from('P_CONTROL_HARD_RESET') });

    const stranger = createSocket('udp4');
    stranger.send(Buffer.concat([encodeUdpHeader(server), Buffer.from('spoofed')]), sent.port, '127.0.0.1');
    relay.send(Buffer.concat([encodeUdpHeader({ address: '10.9.9.8', port: 1194 }), Buffer.from('other')]), sent.port, '127.0.0.1');
    relay.send(Buffer.from([0, 0, 1, 1, 10, 9, 9, 9, 4, 170, 1]), sent.port, '127.0.0.1');
    relay.send(Buffer.concat([encodeUdpHeader(server), Buffer.from('reply')]), sent.port, '127.0.0.1');
    await waitFor(() => packets.length === 1 && drops.length === 3);
    stranger.close();
    assert.deepEqual(packets, ['reply']);
    assert.deepEqual([...drops].sort(), ['socks.fragment', 'socks.not_from_relay', 'socks.not_from_server']);

    control?.destroy();
    await waitFor(() => closed.length === 1);
    assert.deepEqual(closed, ['proxy.relay_closed']);
  } finally {
    link.close();
    relay.close();
    await proxy.close();
  }
});

function failure(step: { ok: boolean; failure?: { code: string } } | undefined): string | undefined {
  return step && !step.ok ? step.failure?.code : undefined;
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
