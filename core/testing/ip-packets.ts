/** Builders and parsers for the IP packets tests push through the tunnel (with real checksums). */

function checksum(bytes: Buffer, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += bytes.readUInt16BE(i);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

export function buildIcmpEchoRequest(options: { src: string; dst: string; id: number; seq: number; payload?: Buffer }): Buffer {
  const payload = options.payload ?? Buffer.from('postern-ping-0123456789abcdef');
  const icmp = Buffer.alloc(8 + payload.length);
  icmp[0] = 8; // echo request
  icmp.writeUInt16BE(options.id, 4);
  icmp.writeUInt16BE(options.seq, 6);
  payload.copy(icmp, 8);
  icmp.writeUInt16BE(checksum(icmp), 2);
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header.writeUInt16BE(20 + icmp.length, 2);
  header.writeUInt16BE(options.seq, 4);
  header[8] = 64; // TTL
  header[9] = 1; // ICMP
  ipv4Bytes(options.src).copy(header, 12);
  ipv4Bytes(options.dst).copy(header, 16);
  header.writeUInt16BE(checksum(header), 10);
  return Buffer.concat([header, icmp]);
}

export interface IcmpEcho { src: string; dst: string; type: number; id: number; seq: number }

/** Parses an IPv4 ICMP echo request/reply; undefined for anything else. */
export function parseIcmpEcho(packet: Buffer): IcmpEcho | undefined {
  if (packet.length < 28 || (packet[0] as number) >> 4 !== 4 || packet[9] !== 1) return undefined;
  const headerBytes = ((packet[0] as number) & 0x0f) * 4;
  const type = packet[headerBytes] as number;
  if (type !== 0 && type !== 8) return undefined;
  return {
    src: [...packet.subarray(12, 16)].join('.'),
    dst: [...packet.subarray(16, 20)].join('.'),
    type,
    id: packet.readUInt16BE(headerBytes + 4),
    seq: packet.readUInt16BE(headerBytes + 6),
  };
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const parts = address.includes('::')
    ? [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
    : headParts;
  const out = Buffer.alloc(16);
  parts.forEach((part, i) => out.writeUInt16BE(parseInt(part || '0', 16), i * 2));
  return out;
}

export function buildIcmpv6EchoRequest(options: { src: string; dst: string; id: number; seq: number; payload?: Buffer }): Buffer {
  const payload = options.payload ?? Buffer.from('postern-ping6');
  const icmp = Buffer.alloc(8 + payload.length);
  icmp[0] = 128; // echo request
  icmp.writeUInt16BE(options.id, 4);
  icmp.writeUInt16BE(options.seq, 6);
  payload.copy(icmp, 8);
  const src = ipv6Bytes(options.src);
  const dst = ipv6Bytes(options.dst);
  // Pseudo-header: src, dst, upper-layer length, next header 58.
  const pseudo = Buffer.concat([src, dst, Buffer.from([0, 0, icmp.length >> 8, icmp.length & 0xff, 0, 0, 0, 58])]);
  icmp.writeUInt16BE(checksum(Buffer.concat([pseudo, icmp])), 2);
  const header = Buffer.alloc(40);
  header[0] = 0x60;
  header.writeUInt16BE(icmp.length, 4);
  header[6] = 58;
  header[7] = 64;
  src.copy(header, 8);
  dst.copy(header, 24);
  return Buffer.concat([header, icmp]);
}

/** True for an ICMPv6 echo reply (type 129). */
export function isIcmpv6EchoReply(packet: Buffer): boolean {
  return packet.length >= 48 && (packet[0] as number) >> 4 === 6 && packet[6] === 58 && packet[40] === 129;
}
