import type { Result } from '../../core/index';
import { encodeIpAddress, formatIpAddress, ipFamily } from './ip-address';

/**
 * The IP packets that cross a TUN device (IFF_NO_PI: byte 0 is the IP header). Builders
 * for ICMP/ICMPv6 echo and UDP with correct checksums, and parsers that never throw on
 * input. Tests use them to play the far end of a tunnel (answer the kernel's pings,
 * inject traffic); the tunnel's own data path never parses packets.
 *
 * IPv4 header, RFC 791 §3.1 (IHL counts 32-bit words, 5..15):
 *   | ver(4) IHL(4) | TOS(8)       | total length (16)                |
 *   | identification (16)          | flags(3) DF=0x4000 | frag off(13) |
 *   | TTL (8)       | protocol (8) | header checksum (16)             |
 *   | source (32)  | destination (32) | options (IHL>5) | payload       |
 * IPv6 header, RFC 8200 §3 (40 bytes; extension headers are not walked here):
 *   | ver(4) traffic class(8) flow label(20) | payload length(16) next header(8) hop limit(8) |
 *   | source (128) | destination (128) | payload                                              |
 * ICMP echo (RFC 792) and ICMPv6 echo (RFC 4443 §4.1):
 *   | type(8) | code(8) | checksum(16) | identifier(16) | sequence(16) | data... |
 * UDP, RFC 768: | source port(16) | destination port(16) | length(16) | checksum(16) | data |
 * Checksums are the RFC 1071 one's-complement sum. ICMPv6 and UDP also cover a
 * pseudo-header (RFC 8200 §8.1 for IPv6, RFC 768 for IPv4); ICMPv4 covers only itself.
 */
export const PROTO_ICMP = 1;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;
const ICMP_ECHO = { 4: { request: 8, reply: 0 }, 6: { request: 128, reply: 129 } } as const;
const IPV4_HEADER_BYTES = 20;
const IPV6_HEADER_BYTES = 40;
const DONT_FRAGMENT = 0x4000;

export type IpPacketError = 'packet.truncated' | 'ip.bad_version' | 'ip.bad_length' | 'ipv4.bad_header_length' | 'ipv4.bad_checksum';
export type IcmpEchoError = IpPacketError | 'icmp.wrong_protocol' | 'icmp.not_echo' | 'icmp.bad_checksum';
export type UdpError = IpPacketError | 'udp.wrong_protocol' | 'udp.bad_length' | 'udp.bad_checksum';

interface IpPacketBase {
  /** IPv4 protocol / IPv6 next header (1 ICMP, 17 UDP, 58 ICMPv6). */
  protocol: number;
  /** IPv4 TTL / IPv6 hop limit. */
  ttl: number;
  src: string;
  dst: string;
  /** The bytes after the header, cut at the header's length field. */
  payload: Buffer;
}
export interface Ipv4Packet extends IpPacketBase { kind: 'ipv4'; identification: number; dontFragment: boolean }
export interface Ipv6Packet extends IpPacketBase { kind: 'ipv6'; trafficClass: number; flowLabel: number }
export type IpPacket = Ipv4Packet | Ipv6Packet;

export interface IcmpEcho { kind: 'request' | 'reply'; id: number; seq: number; payload: Buffer }
export interface UdpDatagram { srcPort: number; dstPort: number; payload: Buffer }

/** Addresses of one family (both IPv4 or both IPv6) and optional header fields. */
export interface IpHeaderOptions {
  src: string;
  dst: string;
  /** TTL / hop limit; 64 unless given. */
  ttl?: number;
  /** IPv4 only: identification (0) and the DF flag (false). */
  identification?: number;
  dontFragment?: boolean;
  /** IPv6 only: the 20-bit flow label (0). */
  flowLabel?: number;
}
export interface IcmpEchoOptions extends IpHeaderOptions { id: number; seq: number; payload?: Uint8Array }
export interface UdpOptions extends IpHeaderOptions { srcPort: number; dstPort: number; payload: Uint8Array }

/** RFC 1071 checksum over the concatenation of parts (odd-length parts are fine). */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd = false; // true when the previous part ended in the middle of a 16-bit word
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      sum += odd ? (part[i] as number) : (part[i] as number) << 8;
      odd = !odd;
    }
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Any IP packet, by the version nibble. */
export function parseIpPacket(bytes: Buffer): Result<IpPacket, IpPacketError> {
  if (bytes.length < 1) return { ok: false, error: 'packet.truncated' };
  const version = (bytes[0] as number) >> 4;
  return version === 4 ? parseIpv4(bytes) : version === 6 ? parseIpv6(bytes) : { ok: false, error: 'ip.bad_version' };
}

export function parseIpv4(bytes: Buffer): Result<Ipv4Packet, IpPacketError> {
  if (bytes.length < IPV4_HEADER_BYTES) return { ok: false, error: 'packet.truncated' };
  if ((bytes[0] as number) >> 4 !== 4) return { ok: false, error: 'ip.bad_version' };
  const headerBytes = ((bytes[0] as number) & 0x0f) * 4;
  if (headerBytes < IPV4_HEADER_BYTES) return { ok: false, error: 'ipv4.bad_header_length' };
  const totalBytes = bytes.readUInt16BE(2);
  if (totalBytes < headerBytes) return { ok: false, error: 'ip.bad_length' };
  if (bytes.length < totalBytes) return { ok: false, error: 'packet.truncated' };
  if (internetChecksum(bytes.subarray(0, headerBytes)) !== 0) return { ok: false, error: 'ipv4.bad_checksum' };
  return {
    ok: true,
    value: {
      kind: 'ipv4', protocol: bytes[9] as number, ttl: bytes[8] as number,
      identification: bytes.readUInt16BE(4), dontFragment: (bytes.readUInt16BE(6) & DONT_FRAGMENT) !== 0,
      src: formatIpAddress(bytes.subarray(12, 16)), dst: formatIpAddress(bytes.subarray(16, 20)),
      payload: bytes.subarray(headerBytes, totalBytes),
    },
  };
}

export function parseIpv6(bytes: Buffer): Result<Ipv6Packet, IpPacketError> {
  if (bytes.length < IPV6_HEADER_BYTES) return { ok: false, error: 'packet.truncated' };
  const first = bytes.readUInt32BE(0);
  if (first >>> 28 !== 6) return { ok: false, error: 'ip.bad_version' };
  const payloadBytes = bytes.readUInt16BE(4);
  if (bytes.length < IPV6_HEADER_BYTES + payloadBytes) return { ok: false, error: 'packet.truncated' };
  return {
    ok: true,
    value: {
      kind: 'ipv6', protocol: bytes[6] as number, ttl: bytes[7] as number,
      trafficClass: (first >>> 20) & 0xff, flowLabel: first & 0xfffff,
      src: formatIpAddress(bytes.subarray(8, 24)), dst: formatIpAddress(bytes.subarray(24, 40)),
      payload: bytes.subarray(IPV6_HEADER_BYTES, IPV6_HEADER_BYTES + payloadBytes),
    },
  };
}

/** The echo request or reply in an ICMP (IPv4) or ICMPv6 packet, checksum verified. */
export function parseIcmpEcho(packet: IpPacket): Result<IcmpEcho, IcmpEchoError> {
  const family = packet.kind === 'ipv4' ? 4 : 6;
  if (packet.protocol !== (family === 4 ? PROTO_ICMP : PROTO_ICMPV6)) return { ok: false, error: 'icmp.wrong_protocol' };
  const icmp = packet.payload;
  if (icmp.length < 8) return { ok: false, error: 'packet.truncated' };
  const type = icmp[0] as number;
  const kind = type === ICMP_ECHO[family].request ? 'request' : type === ICMP_ECHO[family].reply ? 'reply' : undefined;
  if (kind === undefined || icmp[1] !== 0) return { ok: false, error: 'icmp.not_echo' };
  const pseudo = family === 6 ? pseudoHeader(packet.src, packet.dst, PROTO_ICMPV6, icmp.length) : new Uint8Array(0);
  if (internetChecksum(pseudo, icmp) !== 0) return { ok: false, error: 'icmp.bad_checksum' };
  return { ok: true, value: { kind, id: icmp.readUInt16BE(4), seq: icmp.readUInt16BE(6), payload: icmp.subarray(8) } };
}

/** The UDP datagram in an IPv4/IPv6 packet, checksum verified (IPv4's 0 means "none"). */
export function parseUdp(packet: IpPacket): Result<UdpDatagram, UdpError> {
  if (packet.protocol !== PROTO_UDP) return { ok: false, error: 'udp.wrong_protocol' };
  const udp = packet.payload;
  if (udp.length < 8) return { ok: false, error: 'packet.truncated' };
  const length = udp.readUInt16BE(4);
  if (length < 8 || length > udp.length) return { ok: false, error: 'udp.bad_length' };
  const datagram = udp.subarray(0, length);
  const checksumAbsent = packet.kind === 'ipv4' && udp.readUInt16BE(6) === 0;
  if (!checksumAbsent && internetChecksum(pseudoHeader(packet.src, packet.dst, PROTO_UDP, length), datagram) !== 0) {
    return { ok: false, error: 'udp.bad_checksum' };
  }
  return { ok: true, value: { srcPort: udp.readUInt16BE(0), dstPort: udp.readUInt16BE(2), payload: datagram.subarray(8) } };
}

/** An ICMP echo request (IPv4) or ICMPv6 echo request, by the family of src/dst. */
export function buildIcmpEchoRequest(options: IcmpEchoOptions): Buffer {
  return buildIcmpEcho('request', options);
}

export function buildIcmpEchoReply(options: IcmpEchoOptions): Buffer {
  return buildIcmpEcho('reply', options);
}

/**
 * The reply a host would send to this echo request: addresses swapped, same id, seq and
 * data. What a test plays as the far end of a tunnel.
 */
export function echoReplyFor(request: Buffer): Result<Buffer, IcmpEchoError | 'icmp.not_request'> {
  const ip = parseIpPacket(request);
  if (!ip.ok) return ip;
  const echo = parseIcmpEcho(ip.value);
  if (!echo.ok) return echo;
  if (echo.value.kind !== 'request') return { ok: false, error: 'icmp.not_request' };
  const { id, seq, payload } = echo.value;
  return { ok: true, value: buildIcmpEchoReply({ src: ip.value.dst, dst: ip.value.src, id, seq, payload }) };
}

export function buildUdpPacket(options: UdpOptions): Buffer {
  const udp = Buffer.alloc(8 + options.payload.length);
  udp.writeUInt16BE(options.srcPort, 0);
  udp.writeUInt16BE(options.dstPort, 2);
  udp.writeUInt16BE(udp.length, 4);
  udp.set(options.payload, 8);
  // A computed 0 is sent as 0xffff: on the wire 0 means "no checksum" (RFC 768).
  udp.writeUInt16BE(internetChecksum(pseudoHeader(options.src, options.dst, PROTO_UDP, udp.length), udp) || 0xffff, 6);
  return Buffer.concat([ipHeader(options, PROTO_UDP, udp.length), udp]);
}

function buildIcmpEcho(kind: IcmpEcho['kind'], options: IcmpEchoOptions): Buffer {
  const family = familyOf(options);
  const payload = options.payload ?? new Uint8Array(0);
  const icmp = Buffer.alloc(8 + payload.length);
  icmp[0] = ICMP_ECHO[family][kind];
  icmp.writeUInt16BE(options.id, 4);
  icmp.writeUInt16BE(options.seq, 6);
  icmp.set(payload, 8);
  const protocol = family === 4 ? PROTO_ICMP : PROTO_ICMPV6;
  const pseudo = family === 6 ? pseudoHeader(options.src, options.dst, protocol, icmp.length) : new Uint8Array(0);
  icmp.writeUInt16BE(internetChecksum(pseudo, icmp), 2);
  return Buffer.concat([ipHeader(options, protocol, icmp.length), icmp]);
}

function ipHeader(options: IpHeaderOptions, protocol: number, payloadBytes: number): Buffer {
  const ttl = options.ttl ?? 64;
  if (familyOf(options) === 6) {
    const header = Buffer.alloc(IPV6_HEADER_BYTES);
    header.writeUInt32BE(((6 << 28) | ((options.flowLabel ?? 0) & 0xfffff)) >>> 0, 0);
    header.writeUInt16BE(payloadBytes, 4);
    header[6] = protocol;
    header[7] = ttl;
    header.set(encodeIpAddress(options.src), 8);
    header.set(encodeIpAddress(options.dst), 24);
    return header;
  }
  const header = Buffer.alloc(IPV4_HEADER_BYTES);
  header[0] = 0x45; // version 4, IHL 5 (no options)
  header.writeUInt16BE(IPV4_HEADER_BYTES + payloadBytes, 2);
  header.writeUInt16BE(options.identification ?? 0, 4);
  header.writeUInt16BE(options.dontFragment ? DONT_FRAGMENT : 0, 6);
  header[8] = ttl;
  header[9] = protocol;
  header.set(encodeIpAddress(options.src), 12);
  header.set(encodeIpAddress(options.dst), 16);
  header.writeUInt16BE(internetChecksum(header), 10);
  return header;
}

/** RFC 768 / RFC 8200 §8.1 pseudo-header, by the family of the addresses. */
function pseudoHeader(src: string, dst: string, protocol: number, length: number): Buffer {
  const addresses = Buffer.concat([encodeIpAddress(src), encodeIpAddress(dst)]);
  const tail = Buffer.alloc(addresses.length === 8 ? 4 : 8);
  if (addresses.length === 8) {
    tail[1] = protocol;
    tail.writeUInt16BE(length, 2);
  } else {
    tail.writeUInt32BE(length, 0);
    tail[7] = protocol;
  }
  return Buffer.concat([addresses, tail]);
}

function familyOf(options: IpHeaderOptions): 4 | 6 {
  const family = ipFamily(options.src);
  if (family === 0 || family !== ipFamily(options.dst)) {
    throw new RangeError(`src and dst must be addresses of one family: '${options.src}', '${options.dst}'`);
  }
  return family;
}
