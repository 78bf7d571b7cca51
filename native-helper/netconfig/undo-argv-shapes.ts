import { isIPv4, isIPv6 } from 'node:net';

/**
 * The undo commands the helper writes into a journal, as shapes, and nothing else: a journal
 * is replayed as root, so a record that does not match one of these is never run. Each
 * shape names the planner code that makes it; Journal.recordUndo refuses anything that
 * does not match, so a planner change that forgets to add its shape here fails when the
 * step is journaled (and in undo-argv-shapes.test.ts), never silently at replay.
 */

/** What a shape may compare against: link and address undo only ever touch the journal's own tunnel. */
export interface ShapeContext {
  tunName: string;
}

type Slot = (word: string, context: ShapeContext) => boolean;
type Part = string | Slot | { optional: readonly Part[] };

const optional = (...parts: Part[]): Part => ({ optional: parts });

/** Linux dev_valid_name: 1–15 bytes, not . or .., no slash, colon or whitespace; no control bytes or leading dash either. */
export function isDeviceName(word: string): boolean {
  return Buffer.byteLength(word) <= 15 && /^[^\s/:\p{Cc}-][^\s/:\p{Cc}]*$/u.test(word) && word !== '.' && word !== '..';
}

const decimal = (word: string, min: number, max: number): boolean =>
  /^(0|[1-9]\d{0,9})$/.test(word) && Number(word) >= min && Number(word) <= max;

const address4 = (word: string): boolean => isIPv4(word);
// A zone (`fe80::1%eth0`) is never written: the device goes in its own `dev` word.
const address6 = (word: string): boolean => isIPv6(word) && !word.includes('%');
const prefix = (isAddress: (word: string) => boolean, maxLength: number) => (word: string): boolean => {
  const slash = word.indexOf('/');
  return slash > 0 && isAddress(word.slice(0, slash)) && decimal(word.slice(slash + 1), 0, maxLength);
};
const prefix4 = prefix(address4, 32);
const prefix6 = prefix(address6, 128);
const target4 = (word: string): boolean => word === 'default' || prefix4(word);
const device = isDeviceName;
const tunnel: Slot = (word, { tunName }) => word === tunName && isDeviceName(word);
const metric = (word: string): boolean => decimal(word, 0, 0xffffffff);
/** IPv4's minimum MTU to the TUN maximum (drivers/net/tun.c MAX_MTU). */
const mtu = (word: string): boolean => decimal(word, 68, 65535);
/** A routing protocol as `ip -j route` names it (dhcp, static, ra, …) or its number. */
const protocol = (word: string): boolean => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/.test(word);

/** `ip` argv (without the leading `ip`) that undo may run. */
const IP_UNDO_SHAPES: ReadonlyArray<readonly Part[]> = [
  // plan-network.ts planLink: the MTU put back, the link taken down.
  ['link', 'set', 'dev', tunnel, 'mtu', mtu],
  ['link', 'set', 'dev', tunnel, 'down'],
  // plan-network.ts planAddresses: topology subnet, net30/p2p, ifconfig-ipv6.
  ['addr', 'del', prefix4, 'dev', tunnel],
  ['addr', 'del', address4, 'peer', address4, 'dev', tunnel],
  ['-6', 'addr', 'del', prefix6, 'dev', tunnel],
  // plan-routes-ipv4.ts through route-step.ts: every IPv4 route names a gateway, a device, or both.
  ['route', 'del', target4, 'via', address4, optional('dev', device), optional('metric', metric)],
  ['route', 'del', target4, 'dev', device, optional('metric', metric)],
  // plan-routes-ipv4.ts deleteDefault: the original default route, put back as it was.
  ['route', 'add', 'default', optional('via', address4), 'dev', device, optional('proto', protocol), optional('metric', metric)],
  // plan-routes-ipv6.ts: block-ipv6, then routes on the tunnel and the server's /128 on its original path.
  ['-6', 'route', 'del', 'unreachable', prefix6],
  ['-6', 'route', 'del', prefix6, optional('via', address6), 'dev', device, optional('metric', metric)],
];

/** resolved-backend.ts: one `resolvectl revert <tun>` takes the whole link back. */
const RESOLVECTL_UNDO_SHAPES: ReadonlyArray<readonly Part[]> = [
  ['revert', tunnel],
];

export function isIpUndoArgv(argv: readonly string[], context: ShapeContext): boolean {
  return ipUndoShapeIndex(argv, context) !== undefined;
}

/** Which shape an argv fits (tests check that the planner uses every one: no shape allows more than it writes). */
export function ipUndoShapeIndex(argv: readonly string[], context: ShapeContext): number | undefined {
  const index = IP_UNDO_SHAPES.findIndex((shape) => matches(shape, argv, context));
  return index < 0 ? undefined : index;
}

export const IP_UNDO_SHAPE_COUNT = IP_UNDO_SHAPES.length;

export function isResolvectlUndoArgv(argv: readonly string[], context: ShapeContext): boolean {
  return RESOLVECTL_UNDO_SHAPES.some((shape) => matches(shape, argv, context));
}

/** Whole-argv match; an optional group is tried with and without (shapes are short, so plain backtracking). */
function matches(parts: readonly Part[], argv: readonly string[], context: ShapeContext): boolean {
  const [part, ...rest] = parts;
  if (part === undefined) return argv.length === 0;
  if (typeof part === 'object') return matches([...part.optional, ...rest], argv, context) || matches(rest, argv, context);
  const [word, ...more] = argv;
  if (word === undefined) return false;
  const fits = typeof part === 'string' ? word === part : part(word, context);
  return fits && matches(rest, more, context);
}
