import { isIPv4, isIPv6 } from 'node:net';

/**
 * Textual IP addresses ↔ their wire bytes (4 for IPv4, 16 for IPv6). Only the packet
 * builders and test code call encodeIpAddress with addresses they chose themselves, so a
 * malformed one is a caller bug and throws; formatIpAddress takes any 4/16 bytes.
 */
export function encodeIpAddress(text: string): Buffer {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  if (isIPv6(text)) return encodeIpv6(text);
  throw new RangeError(`not an IP address: '${text}'`);
}

/** The address family of a textual address: 4, 6, or 0 for neither (node:net.isIP). */
export function ipFamily(text: string): 4 | 6 | 0 {
  return isIPv4(text) ? 4 : isIPv6(text) ? 6 : 0;
}

function encodeIpv6(text: string): Buffer {
  // A trailing dotted quad (::ffff:10.0.0.1) stands for the last two groups.
  let body = text.split('%')[0] as string;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (quad) {
    const v4 = encodeIpAddress(quad[1] as string);
    body = `${body.slice(0, quad.index)}${v4.readUInt16BE(0).toString(16)}:${v4.readUInt16BE(2).toString(16)}`;
  }
  const [head = '', tail] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : zeros).fill('0'), ...tailGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(parseInt(group, 16), index * 2));
  return bytes;
}

/** 4 bytes → dotted quad; 16 bytes → RFC 5952 text (lower case, longest zero run as ::). */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new RangeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const groups = Array.from({ length: 8 }, (_, index) => view.readUInt16BE(index * 2));
  const [start, length] = longestZeroRun(groups);
  if (length < 2) return groups.map((group) => group.toString(16)).join(':');
  const hex = (part: number[]): string => part.map((group) => group.toString(16)).join(':');
  return `${hex(groups.slice(0, start))}::${hex(groups.slice(start + length))}`;
}

function longestZeroRun(groups: readonly number[]): [start: number, length: number] {
  let best: [number, number] = [0, 0];
  let runStart = -1;
  groups.forEach((group, index) => {
    if (group !== 0) { runStart = -1; return; }
    if (runStart < 0) runStart = index;
    if (index - runStart + 1 > best[1]) best = [runStart, index - runStart + 1];
  });
  return best;
}
