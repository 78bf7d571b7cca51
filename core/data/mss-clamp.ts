const TCP = 6;
const TCP_HEADER_BYTES = 20;
const SYN = 0x02;
const OPTION_END = 0;
const OPTION_NOP = 1;
const OPTION_MSS = 2;
const OPTION_MSS_BYTES = 4;
/** IPv6's header is 20 bytes longer than IPv4's: the same packet size allows 20 bytes less MSS. */
const IPV6_EXTRA_BYTES = 20;

/**
 * Lowers the MSS option of a TCP SYN or SYN-ACK so the peers send segments that still fit
 * one outer packet after encapsulation (mssfix; ovpn:mss.c). Works in place on a whole
 * IPv4 or IPv6 packet and keeps the TCP checksum right (RFC 1624 incremental update).
 * `maxMss` is the IPv4 figure; IPv6 gets 20 less. Anything else is left as it is.
 * Returns true when the packet was changed.
 */
export function clampTcpMss(packet: Uint8Array, maxMss: number): boolean {
  const version = (packet[0] ?? 0) >> 4;
  if (version === 4) return clampIpv4(packet, maxMss);
  if (version === 6) return clampIpv6(packet, maxMss - IPV6_EXTRA_BYTES);
  return false;
}

const ETHERNET_HEADER_BYTES = 14;
const VLAN_TAG_BYTES = 4;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;

/**
 * clampTcpMss for an Ethernet frame off a tap device: the IP packet after the 14-byte
 * header, or after one 802.1Q tag, when the ethertype says IPv4 or IPv6 (2.x's
 * is_ipv4/is_ipv6 on DEV_TYPE_TAP in ovpn:proto.c, which process_ip_header's mssfix
 * uses). ARP and every other ethertype pass untouched. Bytes after the IP packet are
 * allowed: a frame from a wire is padded to 60 bytes, and a padded SYN is still a SYN.
 * Works in place on the frame; returns true when it was changed.
 */
export function clampTcpMssInFrame(frame: Uint8Array, maxMss: number): boolean {
  let offset = ETHERNET_HEADER_BYTES;
  let ethertype = readUint16(frame, 12);
  if (ethertype === ETHERTYPE_VLAN) {
    offset += VLAN_TAG_BYTES;
    ethertype = readUint16(frame, 16);
  }
  if (frame.length < offset + 20) return false;
  const version = (frame[offset] ?? 0) >> 4;
  if (ethertype === ETHERTYPE_IPV4 && version === 4) {
    const end = offset + readUint16(frame, offset + 2);
    return end <= frame.length && clampIpv4(frame.subarray(offset, end), maxMss);
  }
  if (ethertype === ETHERTYPE_IPV6 && version === 6) {
    const end = offset + 40 + readUint16(frame, offset + 4);
    return end <= frame.length && clampIpv6(frame.subarray(offset, end), maxMss - IPV6_EXTRA_BYTES);
  }
  return false;
}

function clampIpv4(packet: Uint8Array, maxMss: number): boolean {
  if (packet.length < 20 || packet[9] !== TCP) return false;
  const headerBytes = ((packet[0] ?? 0) & 0x0f) * 4;
  const totalBytes = readUint16(packet, 2);
  // Only whole, unfragmented packets: a later fragment has no TCP header at its start.
  const fragmentOffset = readUint16(packet, 6) & 0x1fff;
  if (totalBytes !== packet.length || fragmentOffset !== 0 || headerBytes < 20) return false;
  return clampSegment(packet, headerBytes, maxMss);
}

function clampIpv6(packet: Uint8Array, maxMss: number): boolean {
  // Only TCP right after the fixed header, as 2.x does: extension headers inside a tunnel are rare.
  if (packet.length < 40 || packet[6] !== TCP || readUint16(packet, 4) + 40 !== packet.length) return false;
  return clampSegment(packet, 40, maxMss);
}

function clampSegment(packet: Uint8Array, tcpStart: number, maxMss: number): boolean {
  if (packet.length - tcpStart < TCP_HEADER_BYTES || ((packet[tcpStart + 13] ?? 0) & SYN) === 0) return false;
  const tcpHeaderBytes = ((packet[tcpStart + 12] ?? 0) >> 4) * 4;
  if (tcpHeaderBytes <= TCP_HEADER_BYTES || tcpStart + tcpHeaderBytes > packet.length) return false;
  let changed = false;
  let offset = tcpStart + TCP_HEADER_BYTES;
  const end = tcpStart + tcpHeaderBytes;
  while (end - offset > 1) {
    const kind = packet[offset] ?? OPTION_END;
    if (kind === OPTION_END) break;
    if (kind === OPTION_NOP) {
      offset += 1;
      continue;
    }
    const length = packet[offset + 1] ?? 0;
    if (length < 2 || offset + length > end) break; // malformed options: leave the rest alone
    if (kind === OPTION_MSS && length === OPTION_MSS_BYTES) {
      const mss = readUint16(packet, offset + 2);
      if (mss > maxMss) {
        writeUint16(packet, offset + 2, maxMss);
        adjustChecksum(packet, tcpStart + 16, mss, maxMss);
        changed = true;
      }
    }
    offset += length;
  }
  return changed;
}

/** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), on 16-bit one's-complement words. */
function adjustChecksum(packet: Uint8Array, at: number, oldWord: number, newWord: number): void {
  let sum = (~readUint16(packet, at) & 0xffff) + (~oldWord & 0xffff) + newWord;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  writeUint16(packet, at, ~sum & 0xffff);
}

function readUint16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

function writeUint16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = (value >> 8) & 0xff;
  bytes[at + 1] = value & 0xff;
}
