import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Address arithmetic the planner needs: netmask → prefix length, clearing host bits
 * (iproute2 refuses `10.1.2.3/24` with "Invalid prefix for given prefix length"), and
 * "does this prefix contain that host" for the VPN server's bypass route.
 */

/** `255.255.255.0` → 24; undefined when the mask is not contiguous or not IPv4. */
export function netmaskToPrefixLength(netmask: string): number | undefined {
  if (!isIPv4(netmask)) return undefined;
  const value = ipv4ToNumber(netmask);
  const inverted = ~value >>> 0;
  // A contiguous mask inverted is 2^n - 1: adding one leaves a single bit (or zero).
  if (((inverted + 1) & inverted) !== 0) return undefined;
  return 32 - Math.log2(inverted + 1);
}

/** The network of `address/prefixLength` with host bits cleared, as text. */
export function networkOf(address: string, prefixLength: number): string | undefined {
  if (isIPv4(address)) {
    if (!isPrefixLength(prefixLength, 32)) return undefined;
    const mask = prefixLength === 0 ? 0 : (~0 << (32 - prefixLength)) >>> 0;
    return numberToIpv4((ipv4ToNumber(address) & mask) >>> 0);
  }
  if (isIPv6(address)) {
    if (!isPrefixLength(prefixLength, 128)) return undefined;
    const groups = ipv6Groups(address);
    const masked = groups.map((group, index) => {
      const bitsLeft = prefixLength - index * 16;
      if (bitsLeft >= 16) return group;
      if (bitsLeft <= 0) return 0;
      return group & ((0xffff << (16 - bitsLeft)) & 0xffff);
    });
    return formatIpv6(masked);
  }
  return undefined;
}

/** True when `host` lies inside `network/prefixLength` (same family only). */
export function prefixContains(network: string, prefixLength: number, host: string): boolean {
  const family = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : undefined;
  if (family === undefined || (family === 'ipv4' ? !isIPv4(host) : !isIPv6(host))) return false;
  const list = new BlockList();
  list.addSubnet(network, prefixLength, family);
  return list.check(host, family);
}

function isPrefixLength(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

function ipv4ToNumber(text: string): number {
  return text.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** Eight 16-bit groups; the caller has checked isIPv6. Handles `::` and a trailing dotted quad. */
function ipv6Groups(text: string): number[] {
  let body = text.split('%')[0] ?? '';
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (quad) {
    const v4 = ipv4ToNumber(quad[1] ?? '');
    body = `${body.slice(0, quad.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(fill).fill('0'), ...tailGroups].map((group) => parseInt(group, 16));
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let best = { start: 0, length: 0 };
  let runStart = -1;
  groups.forEach((group, index) => {
    if (group !== 0) { runStart = -1; return; }
    if (runStart < 0) runStart = index;
    if (index - runStart + 1 > best.length) best = { start: runStart, length: index - runStart + 1 };
  });
  const hex = (part: number[]): string => part.map((group) => group.toString(16)).join(':');
  if (best.length < 2) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}
