import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildIcmpEchoReply, buildIcmpEchoRequest, buildUdpPacket, echoReplyFor, internetChecksum,
  parseIcmpEcho, parseIpPacket, parseIpv4, parseIpv6, parseUdp, type IpPacket,
} from './ip-packets';

// Golden packets, read from a Linux 6.x TUN device (IFF_NO_PI) while iputils ping and
// a Python UDP socket sent them from a test namespace (10.250.0.1 / fd00:250::1).
const GOLDEN = {
  // ping -c 1 -s 16 10.250.0.2: DF set, IP id 0xf7b4, ICMP id 0x74cc seq 1, 16-byte timestamp.
  icmp4: '4500002cf7b4400040012d260afa00010afa000208004cbf74cc000182ef026b00000000a6180b0000000000',
  // ping -6 -c 1 -s 16 fd00:250::2: flow label 0x7b960, ICMPv6 id 0x74cd seq 1.
  icmp6: '6007b96000183a40fd000250000000000000000000000001fd0002500000000000000000000000028000bea074cd000182ef026b00000000ba3e0e0000000000',
  // UDP 10.250.0.1:40000 → 10.250.0.2:5353 "hello tun"
  udp4: '45000025f0a240004011342f0afa00010afa00029c4014e90011124468656c6c6f2074756e',
  // UDP [fd00:250::1]:40000 → [fd00:250::2]:5353 "hello tun6"
  udp6: '6004604f00121140fd000250000000000000000000000001fd0002500000000000000000000000029c4014e90012295e68656c6c6f2074756e36',
};
const golden = (name: keyof typeof GOLDEN): Buffer => Buffer.from(GOLDEN[name], 'hex');

function parsed(bytes: Buffer): IpPacket {
  const result = parseIpPacket(bytes);
  assert.ok(result.ok, `parse failed: ${result.ok ? '' : result.error}`);
  return result.value;
}

test('internetChecksum matches the RFC 1071 example and a textbook IPv4 header', () => {
  // RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to ddf2, so the checksum is ~ddf2 = 220d.
  assert.equal(internetChecksum(Buffer.from('0001f203f4f5f6f7', 'hex')), 0x220d);
  // The same bytes split at odd offsets give the same sum.
  assert.equal(internetChecksum(Buffer.from('0001f2', 'hex'), Buffer.from('03f4f5f6f7', 'hex')), 0x220d);
  // Header with its checksum field zeroed → b861 (the widely used worked example).
  assert.equal(internetChecksum(Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex')), 0xb861);
  // An odd length is padded with a zero byte.
  assert.equal(internetChecksum(Buffer.from('01', 'hex')), ~0x0100 & 0xffff);
});

test('golden ICMP echo requests parse with valid checksums and rebuild byte for byte', () => {
  const v4 = parsed(golden('icmp4'));
  assert.equal(v4.kind, 'ipv4');
  assert.deepEqual([v4.src, v4.dst, v4.ttl], ['10.250.0.1', '10.250.0.2', 64]);
  const echo4 = parseIcmpEcho(v4);
  assert.ok(echo4.ok);
  assert.deepEqual([echo4.value.kind, echo4.value.id, echo4.value.seq, echo4.value.payload.length], ['request', 0x74cc, 1, 16]);
  if (v4.kind !== 'ipv4') return;
  const rebuilt4 = buildIcmpEchoRequest({ src: v4.src, dst: v4.dst, identification: v4.identification, dontFragment: v4.dontFragment, ...echo4.value });
  assert.equal(rebuilt4.toString('hex'), GOLDEN.icmp4);

  const v6 = parsed(golden('icmp6'));
  assert.equal(v6.kind, 'ipv6');
  assert.deepEqual([v6.src, v6.dst, v6.ttl], ['fd00:250::1', 'fd00:250::2', 64]);
  const echo6 = parseIcmpEcho(v6);
  assert.ok(echo6.ok);
  assert.deepEqual([echo6.value.kind, echo6.value.id, echo6.value.seq], ['request', 0x74cd, 1]);
  if (v6.kind !== 'ipv6') return;
  const rebuilt6 = buildIcmpEchoRequest({ src: v6.src, dst: v6.dst, flowLabel: v6.flowLabel, ...echo6.value });
  assert.equal(rebuilt6.toString('hex'), GOLDEN.icmp6);
});

test('golden UDP datagrams parse with valid checksums and rebuild byte for byte', () => {
  for (const [name, text] of [['udp4', 'hello tun'], ['udp6', 'hello tun6']] as const) {
    const ip = parsed(golden(name));
    const udp = parseUdp(ip);
    assert.ok(udp.ok, name);
    assert.deepEqual([udp.value.srcPort, udp.value.dstPort, udp.value.payload.toString()], [40000, 5353, text]);
    const extra = ip.kind === 'ipv4' ? { identification: ip.identification, dontFragment: ip.dontFragment } : { flowLabel: ip.flowLabel };
    const rebuilt = buildUdpPacket({ src: ip.src, dst: ip.dst, ...extra, ...udp.value });
    assert.equal(rebuilt.toString('hex'), GOLDEN[name]);
  }
});

test('echoReplyFor answers a request like a host would, in both families', () => {
  for (const name of ['icmp4', 'icmp6'] as const) {
    const request = parsed(golden(name));
    const requestEcho = parseIcmpEcho(request);
    const reply = echoReplyFor(golden(name));
    assert.ok(reply.ok && requestEcho.ok);
    const ip = parsed(reply.value);
    const echo = parseIcmpEcho(ip);
    assert.ok(echo.ok);
    assert.deepEqual([ip.src, ip.dst], [request.dst, request.src]);
    assert.equal(echo.value.kind, 'reply');
    assert.deepEqual([echo.value.id, echo.value.seq, echo.value.payload], [requestEcho.value.id, requestEcho.value.seq, requestEcho.value.payload]);
    // A reply is not answered again.
    assert.deepEqual(echoReplyFor(reply.value), { ok: false, error: 'icmp.not_request' });
  }
  assert.deepEqual(echoReplyFor(golden('udp4')), { ok: false, error: 'icmp.wrong_protocol' });
});

const ipv4Address = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
const ipv6Address = fc.ipV6();
const addresses = fc.oneof(fc.tuple(ipv4Address, ipv4Address), fc.tuple(ipv6Address, ipv6Address));

test('property: built echo packets parse back to what was built', () => {
  fc.assert(fc.property(addresses, fc.nat(0xffff), fc.nat(0xffff), fc.uint8Array({ maxLength: 300 }), fc.boolean(),
    ([src, dst], id, seq, payload, isRequest) => {
      const options = { src, dst, id, seq, payload };
      const ip = parsed(isRequest ? buildIcmpEchoRequest(options) : buildIcmpEchoReply(options));
      const echo = parseIcmpEcho(ip);
      assert.ok(echo.ok);
      assert.deepEqual(echo.value, { kind: isRequest ? 'request' : 'reply', id, seq, payload: Buffer.from(payload) });
    }));
});

test('property: built UDP packets parse back to what was built', () => {
  fc.assert(fc.property(addresses, fc.nat(0xffff), fc.nat(0xffff), fc.uint8Array({ maxLength: 300 }),
    ([src, dst], srcPort, dstPort, payload) => {
      const udp = parseUdp(parsed(buildUdpPacket({ src, dst, srcPort, dstPort, payload })));
      assert.ok(udp.ok);
      assert.deepEqual(udp.value, { srcPort, dstPort, payload: Buffer.from(payload) });
    }));
});

test('property: any flipped bit in an echo packet is caught by a checksum or a field check', () => {
  const packets = [golden('icmp4'), golden('icmp6')];
  fc.assert(fc.property(fc.constantFrom(...packets), fc.nat(), fc.nat(7), (packet, at, bit) => {
    const bytes = Buffer.from(packet);
    const index = at % bytes.length;
    bytes[index] = (bytes[index] as number) ^ (1 << bit);
    const ip = parseIpPacket(bytes);
    // IPv6 has no header checksum, but its addresses are in the ICMPv6 pseudo-header.
    const survived = ip.ok && parseIcmpEcho(ip.value).ok;
    // Traffic class, flow label and hop limit are covered by nothing (by design).
    const harmlessV6 = packet === packets[1] && ((index === 0 && bit < 4) || (index >= 1 && index <= 3) || index === 7);
    assert.equal(survived, harmlessV6 && ip.ok);
  }));
});

test('every truncation is a Result error, never a throw', () => {
  for (const name of Object.keys(GOLDEN) as (keyof typeof GOLDEN)[]) {
    const packet = golden(name);
    for (let length = 0; length < packet.length; length++) {
      const ip = parseIpPacket(packet.subarray(0, length));
      assert.equal(ip.ok, false, `${name} cut at ${length}`);
    }
  }
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
    const ip = parseIpPacket(Buffer.from(bytes));
    if (ip.ok) {
      parseIcmpEcho(ip.value);
      parseUdp(ip.value);
    }
  }));
});

test('parsers name what is wrong', () => {
  const v4 = golden('icmp4');
  assert.deepEqual(parseIpv4(golden('icmp6')), { ok: false, error: 'ip.bad_version' });
  assert.deepEqual(parseIpv6(v4), { ok: false, error: 'ip.bad_version' });
  assert.deepEqual(parseIpPacket(Buffer.from([0x50])), { ok: false, error: 'ip.bad_version' });
  const shortIhl = Buffer.from(v4);
  shortIhl[0] = 0x44;
  assert.deepEqual(parseIpv4(shortIhl), { ok: false, error: 'ipv4.bad_header_length' });
  const badSum = Buffer.from(v4);
  badSum[10] = (badSum[10] as number) ^ 1;
  assert.deepEqual(parseIpv4(badSum), { ok: false, error: 'ipv4.bad_checksum' });
  const udpAsIcmp = parsed(golden('udp6'));
  assert.deepEqual(parseIcmpEcho(udpAsIcmp), { ok: false, error: 'icmp.wrong_protocol' });
  assert.deepEqual(parseUdp(parsed(v4)), { ok: false, error: 'udp.wrong_protocol' });
  // Trailing bytes beyond the IPv4 total length are not payload.
  const padded = parsed(Buffer.concat([v4, Buffer.alloc(6)]));
  assert.equal(padded.payload.length, v4.length - 20);
});

test('builders refuse mixed or malformed addresses (a caller bug)', () => {
  assert.throws(() => buildIcmpEchoRequest({ src: '10.0.0.1', dst: 'fd00::1', id: 1, seq: 1 }), RangeError);
  assert.throws(() => buildUdpPacket({ src: '10.0.0.256', dst: '10.0.0.1', srcPort: 1, dstPort: 2, payload: Buffer.alloc(0) }), RangeError);
});
