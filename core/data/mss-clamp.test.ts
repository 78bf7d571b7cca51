import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { clampTcpMss, clampTcpMssInFrame } from './mss-clamp';
import { mssLimit } from './mss-limit';

/** RFC 1071 sum over the parts (16-bit words, big-endian). */
function onesComplementSum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const part of parts) for (let i = 0; i < part.length; i += 2) sum += ((part[i] ?? 0) << 8) | (part[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** A TCP SYN with options [NOP, NOP, MSS mss, SACK-permitted…] and a correct checksum. */
function tcpSyn(version: 4 | 6, mss: number, flags = 0x02, fragmentOffset = 0): Buffer {
  const tcp = Buffer.alloc(32);
  tcp.writeUInt16BE(40000, 0);
  tcp.writeUInt16BE(443, 2);
  tcp.writeUInt32BE(123456, 4);
  tcp[12] = (32 / 4) << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(64240, 14);
  Buffer.from([1, 1, 2, 4, mss >> 8, mss & 0xff, 4, 2, 1, 1, 1, 0]).copy(tcp, 20);
  if (version === 4) {
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + tcp.length, 2);
    ip.writeUInt16BE(fragmentOffset, 6);
    ip[8] = 64;
    ip[9] = 6;
    Buffer.from([10, 8, 0, 2, 10, 8, 0, 1]).copy(ip, 12);
    const pseudo = Buffer.concat([ip.subarray(12, 20), Buffer.from([0, 6, 0, tcp.length])]);
    tcp.writeUInt16BE(~onesComplementSum(pseudo, tcp) & 0xffff, 16);
    return Buffer.concat([ip, tcp]);
  }
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(tcp.length, 4);
  ip[6] = 6;
  ip[7] = 64;
  ip[8] = 0xfd;
  ip[39] = 2;
  ip[24] = 0xfd;
  ip[39 - 16] = 1;
  const pseudo = Buffer.concat([ip.subarray(8, 40), Buffer.from([0, 0, 0, tcp.length, 0, 0, 0, 6])]);
  tcp.writeUInt16BE(~onesComplementSum(pseudo, tcp) & 0xffff, 16);
  return Buffer.concat([ip, tcp]);
}

function tcpChecksumValid(packet: Buffer): boolean {
  const v4 = packet[0]! >> 4 === 4;
  const tcp = packet.subarray(v4 ? 20 : 40);
  const pseudo = v4
    ? Buffer.concat([packet.subarray(12, 20), Buffer.from([0, 6, 0, tcp.length])])
    : Buffer.concat([packet.subarray(8, 40), Buffer.from([0, 0, 0, tcp.length, 0, 0, 0, 6])]);
  return onesComplementSum(pseudo, tcp) === 0xffff;
}

const mssOf = (packet: Buffer): number => packet.readUInt16BE((packet[0]! >> 4 === 4 ? 20 : 40) + 24);

test('a SYN announcing 1460 is lowered to the limit (IPv6: 20 less) and its checksum stays right', () => {
  for (const [version, expected] of [[4, 1428], [6, 1408]] as const) {
    const syn = tcpSyn(version, 1460);
    assert.equal(tcpChecksumValid(syn), true, 'the fixture is valid');
    assert.equal(clampTcpMss(syn, 1428), true);
    assert.equal(mssOf(syn), expected);
    assert.equal(tcpChecksumValid(syn), true, `IPv${version} checksum after the rewrite`);
  }
  const synAck = tcpSyn(4, 1460, 0x12);
  assert.equal(clampTcpMss(synAck, 1400), true, 'a SYN-ACK too');
  assert.equal(tcpChecksumValid(synAck), true);
});

test('left alone: an MSS already small enough, a segment without SYN, a later fragment, other protocols', () => {
  const small = tcpSyn(4, 1200);
  assert.equal(clampTcpMss(small, 1428), false);
  assert.equal(mssOf(small), 1200);
  assert.equal(clampTcpMss(tcpSyn(4, 1460, 0x10), 1428), false, 'ACK only');
  assert.equal(clampTcpMss(tcpSyn(4, 1460, 0x02, 185), 1428), false, 'fragment offset 185');
  const udp = tcpSyn(4, 1460);
  udp[9] = 17;
  assert.equal(clampTcpMss(udp, 1428), false);
});

test('any bytes at all: never throws, never reads or writes past the packet', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: 0xffff }), (bytes, limit) => {
    const copy = Buffer.from(bytes);
    clampTcpMss(copy, limit);
    assert.equal(copy.length, bytes.length);
  }), { numRuns: 2000 });
  // A SYN whose option lengths lie: 0, and past the header end.
  for (const lie of [0, 40]) {
    const syn = tcpSyn(4, 1460);
    syn[20 + 20 + 3] = lie;
    syn[20 + 20 + 2] = 5; // an unknown option kind with that length
    assert.doesNotThrow(() => clampTcpMss(syn, 1428));
  }
});

test('the limit follows 2.6: AEAD with peer-id, CBC+HMAC rounded to blocks, compression byte, tcp, mtu and fixed modes, off', () => {
  // openvpn 2.6's own figures (its log's "mss_fix:" at verb 4, measured in the lab): 1400 for
  // AES-256-GCM and 1363 for AES-256-CBC/SHA256 with the default mssfix.
  const defaults = { mssfix: { bytes: 1492, mode: 'default' as const }, cipher: 'AES-256-GCM', auth: 'SHA256', peerId: true, compression: 'none' as const, transport: 'udp' as const, family: 4 as const };
  assert.equal(mssLimit(defaults), 1400);
  assert.equal(mssLimit({ ...defaults, cipher: 'AES-256-CBC' }), 1363);
  const base = { ...defaults, mssfix: { bytes: 1492, mode: 'payload' as const }, auth: 'SHA1' };
  assert.equal(mssLimit(base), 1428);
  assert.equal(mssLimit({ ...base, peerId: false }), 1431);
  assert.equal(mssLimit({ ...base, compression: 'stub' }), 1427);
  assert.equal(mssLimit({ ...base, compression: 'stub-v2' }), 1428);
  assert.equal(mssLimit({ ...base, transport: 'tcp' }), 1426);
  assert.equal(mssLimit({ ...base, cipher: 'AES-256-CBC' }), 1395);
  assert.equal(mssLimit({ ...base, cipher: 'AES-128-CBC', auth: 'SHA256' }), 1395); // 52 header bytes, then rounded down to blocks like SHA1's 40
  assert.equal(mssLimit({ ...base, mssfix: { bytes: 1450, mode: 'mtu' } }), 1450 - 28 - 24 - 40);
  assert.equal(mssLimit({ ...base, mssfix: { bytes: 1300, mode: 'fixed' } }), 1260);
  assert.equal(mssLimit({ ...base, mssfix: { bytes: 0, mode: 'payload' } }), undefined);
});

test('2.7\'s epoch format costs 4 bytes more than the old AEAD format (8-byte packet id; 2.7.6 fixed its own count)', () => {
  const defaults = { mssfix: { bytes: 1492, mode: 'default' as const }, cipher: 'AES-256-GCM', auth: 'SHA1', peerId: true, compression: 'none' as const, transport: 'udp' as const, family: 4 as const };
  assert.equal(mssLimit({ ...defaults, epochFormat: true }), 1396);
  assert.equal(mssLimit({ ...defaults, epochFormat: true, transport: 'tcp' }), 1394 - 12);
  assert.equal(mssLimit({ ...defaults, epochFormat: false }), 1400);
});

const ETHERTYPE = { ipv4: 0x0800, ipv6: 0x86dd, arp: 0x0806, vlan: 0x8100 } as const;

/** An Ethernet frame off a tap device: dst, src, [802.1Q tag], ethertype, payload, then padding bytes. */
function frame(ethertype: number, payload: Buffer, options: { vlan?: boolean; padding?: number } = {}): Buffer {
  const header = Buffer.alloc(options.vlan ? 18 : 14);
  Buffer.from([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2]).copy(header);
  if (options.vlan) {
    header.writeUInt16BE(ETHERTYPE.vlan, 12);
    header.writeUInt16BE(42, 14); // VLAN id 42
    header.writeUInt16BE(ethertype, 16);
  } else {
    header.writeUInt16BE(ethertype, 12);
  }
  return Buffer.concat([header, payload, Buffer.alloc(options.padding ?? 0)]);
}

test('tap: the IP packet inside an Ethernet frame is clamped (IPv4, IPv6, behind an 802.1Q tag, with wire padding), checksum right', () => {
  for (const [version, ethertype, expected] of [[4, ETHERTYPE.ipv4, 1368], [6, ETHERTYPE.ipv6, 1348]] as const) {
    for (const options of [{}, { vlan: true }, { padding: 6 }]) {
      const packet = tcpSyn(version, 1460);
      const whole = frame(ethertype, packet, options);
      const offset = options.vlan ? 18 : 14;
      assert.equal(clampTcpMssInFrame(whole, 1368), true, `IPv${version} ${JSON.stringify(options)}`);
      const inside = whole.subarray(offset, offset + packet.length);
      assert.equal(mssOf(inside), expected);
      assert.equal(tcpChecksumValid(inside), true, 'the TCP checksum after the rewrite');
      assert.deepEqual(whole.subarray(0, offset), frame(ethertype, Buffer.alloc(0), options).subarray(0, offset), 'the Ethernet header untouched');
    }
  }
});

test('tap: ARP, other ethertypes, a version that contradicts the ethertype, a cut packet and a bare IP packet pass untouched', () => {
  const syn = tcpSyn(4, 1460);
  const untouched = (bytes: Buffer, why: string): void => {
    const before = Buffer.from(bytes);
    assert.equal(clampTcpMssInFrame(bytes, 1368), false, why);
    assert.deepEqual(bytes, before, why);
  };
  untouched(frame(ETHERTYPE.arp, syn), 'ARP (an IPv4-looking payload behind 0x0806)');
  untouched(frame(0x88cc, syn), 'LLDP');
  untouched(frame(ETHERTYPE.ipv6, syn), 'IPv4 bytes behind the IPv6 ethertype');
  untouched(frame(ETHERTYPE.ipv4, syn.subarray(0, syn.length - 4)), 'the IP header says more bytes than the frame has');
  untouched(Buffer.from(syn), 'a bare IP packet is not a frame: its "ethertype" is the IP source address');
  // And the tun clamp leaves a frame alone: its first nibble is the destination MAC's.
  const asFrame = frame(ETHERTYPE.ipv4, tcpSyn(4, 1460));
  assert.equal(clampTcpMss(asFrame, 1368), false);
});

test('tap: any bytes at all never throw and never change length', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 140 }), fc.constantFrom(ETHERTYPE.ipv4, ETHERTYPE.ipv6, ETHERTYPE.vlan, 0), fc.integer({ min: 0, max: 0xffff }), (bytes, ethertype, limit) => {
    const copy = Buffer.from(bytes);
    if (copy.length >= 14 && ethertype !== 0) copy.writeUInt16BE(ethertype, 12);
    clampTcpMssInFrame(copy, limit);
    assert.equal(copy.length, bytes.length);
  }), { numRuns: 2000 });
});

test('tap: the limit keeps 2.x\'s 32 bytes of tun-mtu-extra for the Ethernet header (fixed mode aside)', () => {
  const defaults = { mssfix: { bytes: 1492, mode: 'default' as const }, cipher: 'AES-256-GCM', auth: 'SHA256', peerId: true, compression: 'none' as const, transport: 'udp' as const, family: 4 as const };
  assert.equal(mssLimit({ ...defaults, device: 'tap' }), 1400 - 32);
  // 2.6's tap server on its dual-stack (IPv6) socket logs "Data Channel MTU parms [ mss_fix:1348 … ET:32 ]" (lab, verb 4).
  assert.equal(mssLimit({ ...defaults, device: 'tap', family: 6 }), 1348);
  assert.equal(mssLimit({ ...defaults, device: 'tun' }), 1400);
  assert.equal(mssLimit({ ...defaults, device: 'tap', mssfix: { bytes: 1300, mode: 'fixed' } }), 1260);
});
