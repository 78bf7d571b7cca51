import { isIPv4, isIPv6, type Socket } from 'node:net';
import type { Secret } from '../wire/secret';
import type { ProxyFailure } from './http-proxy';

/**
 * SOCKS5 (RFC 1928) with username/password sign-in (RFC 1929): the messages, encoded and
 * parsed without I/O, and `socks5Handshake`, which runs them over a connected socket.
 * A reply is read as far as it goes: `undefined` means "more bytes needed", a failure ends
 * the attempt with a `proxy.*` code, and nothing a proxy sends can throw.
 */

export interface Socks5Settings {
  host: string;
  port: number;
  username?: string;
  password?: Secret;
  /** The profile said `stdin`: the username and password are asked before the first connect (open-link.ts). */
  askCredentials?: boolean;
}

export type SocksCommand = 'connect' | 'udp-associate';
export interface SocksAddress { address: string; port: number }

const VERSION = 5;
const AUTH_VERSION = 1;
const METHOD_NONE = 0x00;
const METHOD_USERPASS = 0x02;
const METHOD_REFUSED = 0xff;
const COMMANDS: Record<SocksCommand, number> = { 'connect': 0x01, 'udp-associate': 0x03 };
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;
/** RFC 1928 §6 reply field, for messages. */
const REPLY_TEXT: Record<number, string> = {
  1: 'general failure', 2: 'not allowed by the proxy\'s rules', 3: 'network unreachable', 4: 'host unreachable',
  5: 'connection refused', 6: 'TTL expired', 7: 'command not supported', 8: 'address type not supported',
};
/** RFC 1929 caps each of username and password at 255 bytes. */
export const MAX_SOCKS_CREDENTIAL_BYTES = 255;

type Step<T> = { ok: true; value: T; consumed: number } | { ok: false; failure: ProxyFailure } | undefined;

const fail = (code: ProxyFailure['code'], message: string): { ok: false; failure: ProxyFailure } => ({ ok: false, failure: { code, message } });

/** Method selection: no authentication, and username/password when there are credentials. */
export function encodeGreeting(withCredentials: boolean): Buffer {
  return Buffer.from(withCredentials ? [VERSION, 2, METHOD_NONE, METHOD_USERPASS] : [VERSION, 1, METHOD_NONE]);
}

export function parseMethodChoice(bytes: Buffer, withCredentials: boolean): Step<'none' | 'userpass'> {
  if (bytes.length < 2) return undefined;
  if (bytes[0] !== VERSION) return fail('proxy.bad_reply', `The SOCKS proxy answered with version ${bytes[0]}, not 5.`);
  const method = bytes[1];
  if (method === METHOD_NONE) return { ok: true, value: 'none', consumed: 2 };
  if (method === METHOD_USERPASS && withCredentials) return { ok: true, value: 'userpass', consumed: 2 };
  if (method === METHOD_REFUSED && !withCredentials) return fail('proxy.auth_required', 'The SOCKS proxy asks for credentials; give socks-proxy an authfile.');
  if (method === METHOD_REFUSED) return fail('proxy.refused', 'The SOCKS proxy accepts none of the sign-in methods offered (none, username/password).');
  return fail('proxy.bad_reply', `The SOCKS proxy chose method ${method}, which was not offered.`);
}

/** RFC 1929 request; undefined when a part is longer than 255 bytes. */
export function encodeUserPass(username: string, password: Secret): Buffer | undefined {
  const user = Buffer.from(username, 'utf8');
  const pass = Buffer.from(password.reveal(), 'utf8');
  if (user.length > MAX_SOCKS_CREDENTIAL_BYTES || pass.length > MAX_SOCKS_CREDENTIAL_BYTES) return undefined;
  return Buffer.concat([Buffer.from([AUTH_VERSION, user.length]), user, Buffer.from([pass.length]), pass]);
}

export function parseAuthStatus(bytes: Buffer): Step<true> {
  if (bytes.length < 2) return undefined;
  if (bytes[0] !== AUTH_VERSION) return fail('proxy.bad_reply', `The SOCKS proxy answered the sign-in with version ${bytes[0]}, not 1.`);
  if (bytes[1] !== 0) return fail('proxy.auth_rejected', 'The SOCKS proxy rejected the username and password.');
  return { ok: true, value: true, consumed: 2 };
}

/** The address as ATYP + address bytes + port: a literal IPv4/IPv6 address, else a host name. */
export function encodeAddress(target: SocksAddress): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(target.port);
  if (isIPv4(target.address)) return Buffer.concat([Buffer.from([ATYP_IPV4, ...target.address.split('.').map(Number)]), port]);
  if (isIPv6(target.address)) return Buffer.concat([Buffer.from([ATYP_IPV6]), ipv6Bytes(target.address), port]);
  const name = Buffer.from(target.address, 'ascii').subarray(0, 255);
  return Buffer.concat([Buffer.from([ATYP_DOMAIN, name.length]), name, port]);
}

/** Reads ATYP + address + port at `offset`; undefined when more bytes are needed, null for an unknown ATYP. */
export function parseAddress(bytes: Buffer, offset: number): { value: SocksAddress; end: number } | undefined | null {
  const atyp = bytes[offset];
  if (atyp === undefined) return undefined;
  let address: string;
  let end: number;
  if (atyp === ATYP_IPV4) {
    end = offset + 1 + 4;
    if (bytes.length < end + 2) return undefined;
    address = [...bytes.subarray(offset + 1, end)].join('.');
  } else if (atyp === ATYP_IPV6) {
    end = offset + 1 + 16;
    if (bytes.length < end + 2) return undefined;
    address = ipv6Text(bytes.subarray(offset + 1, end));
  } else if (atyp === ATYP_DOMAIN) {
    const length = bytes[offset + 1];
    if (length === undefined) return undefined;
    end = offset + 2 + length;
    if (bytes.length < end + 2) return undefined;
    address = bytes.subarray(offset + 2, end).toString('latin1');
  } else {
    return null;
  }
  return { value: { address, port: bytes.readUInt16BE(end) }, end: end + 2 };
}

export function encodeRequest(command: SocksCommand, target: SocksAddress): Buffer {
  return Buffer.concat([Buffer.from([VERSION, COMMANDS[command], 0]), encodeAddress(target)]);
}

/** The reply to a request: the bound address (for UDP ASSOCIATE, the relay to send to). */
export function parseReply(bytes: Buffer): Step<SocksAddress> {
  if (bytes.length < 4) return undefined;
  if (bytes[0] !== VERSION) return fail('proxy.bad_reply', `The SOCKS proxy answered with version ${bytes[0]}, not 5.`);
  const reply = bytes[1] ?? 0;
  if (reply !== 0) return fail('proxy.refused', `The SOCKS proxy refused the request: ${REPLY_TEXT[reply] ?? `reply ${reply}`}.`);
  const bound = parseAddress(bytes, 3);
  if (bound === null) return fail('proxy.bad_reply', `The SOCKS proxy's reply has an unknown address type ${bytes[3]}.`);
  if (bound === undefined) return undefined;
  return { ok: true, value: bound.value, consumed: bound.end };
}

/** RSV(2) FRAG(1) + the address: what precedes every datagram to and from the relay (RFC 1928 §7). */
export function encodeUdpHeader(target: SocksAddress): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 0]), encodeAddress(target)]);
}

export type UdpDatagram = { ok: true; from: SocksAddress; payload: Buffer } | { ok: false; reason: 'socks.bad_header' | 'socks.fragment' };

/** A datagram from the relay, its header taken off; fragments (FRAG ≠ 0) are not reassembled (nor does OpenVPN). */
export function parseUdpDatagram(datagram: Buffer): UdpDatagram {
  if (datagram.length < 4 || datagram[0] !== 0 || datagram[1] !== 0) return { ok: false, reason: 'socks.bad_header' };
  if (datagram[2] !== 0) return { ok: false, reason: 'socks.fragment' };
  const from = parseAddress(datagram, 3);
  if (!from) return { ok: false, reason: 'socks.bad_header' };
  return { ok: true, from: from.value, payload: datagram.subarray(from.end) };
}

/** Two textual addresses name the same host (IPv6 in any spelling, IPv4-mapped or not). */
export function sameAddress(a: string, b: string): boolean {
  const canonical = (text: string): string => {
    if (isIPv6(text)) {
      const bytes = ipv6Bytes(text);
      const mapped = bytes.subarray(0, 12).equals(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]));
      return mapped ? [...bytes.subarray(12)].join('.') : bytes.toString('hex');
    }
    return text.toLowerCase();
  };
  return canonical(a) === canonical(b);
}

export function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || (isIPv6(address) && ipv6Bytes(address).every((byte) => byte === 0));
}

function ipv6Bytes(text: string): Buffer {
  let address = text;
  const out = Buffer.alloc(16);
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted?.[1] !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    address = `${address.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const parts = address.includes('::')
    ? [...headParts, ...Array<string>(Math.max(0, 8 - headParts.length - tailParts.length)).fill('0'), ...tailParts]
    : headParts;
  parts.slice(0, 8).forEach((part, i) => out.writeUInt16BE(parseInt(part || '0', 16) & 0xffff, i * 2));
  return out;
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** Longest handshake reply: a domain-name reply is 7 + 255 bytes. */
const MAX_REPLY_BYTES = 512;
/** A proxy that accepted the connection but never finishes answering ends the attempt. */
const HANDSHAKE_TIMEOUT_MS = 15_000;

/**
 * Greets the proxy, signs in when there are credentials and asks for `command`: CONNECT to
 * the server, or UDP ASSOCIATE (then `target` is the address our datagrams will come from,
 * 0.0.0.0:0 for "not known yet"). Resolves with the bound address and any bytes that followed
 * the reply (after CONNECT they already belong to the OpenVPN stream).
 */
export function socks5Handshake(socket: Socket, command: SocksCommand, target: SocksAddress, proxy: Socks5Settings): Promise<{ bound: SocksAddress; rest: Buffer }> {
  const withCredentials = proxy.username !== undefined && proxy.password !== undefined;
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    let stage: 'method' | 'auth' | 'reply' = 'method';
    const send = (bytes: Buffer): void => { socket.write(bytes); };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (stage === 'method') {
          const step = parseMethodChoice(buffered, withCredentials);
          if (!advance(step)) return;
          if (step?.ok && step.value === 'userpass') {
            const request = encodeUserPass(proxy.username ?? '', proxy.password as Secret);
            if (request === undefined) return finish({ code: 'proxy.auth_rejected', message: 'The SOCKS username or password is longer than 255 bytes.' });
            stage = 'auth';
            send(request);
          } else {
            stage = 'reply';
            send(encodeRequest(command, target));
          }
        } else if (stage === 'auth') {
          const step = parseAuthStatus(buffered);
          if (!advance(step)) return;
          stage = 'reply';
          send(encodeRequest(command, target));
        } else {
          const step = parseReply(buffered);
          if (!advance(step) || !step?.ok) return;
          return finish(undefined, { bound: step.value, rest: buffered });
        }
      }
    };
    /** Consumes a complete message; false when more bytes are needed or the attempt is over. */
    function advance<T>(step: Step<T>): boolean {
      if (step === undefined) {
        if (buffered.length > MAX_REPLY_BYTES) finish({ code: 'proxy.bad_reply', message: 'The SOCKS proxy sent an oversized reply.' });
        return false;
      }
      if (!step.ok) {
        finish(step.failure);
        return false;
      }
      buffered = buffered.subarray(step.consumed);
      return true;
    }
    const onClose = (): void => finish({ code: 'proxy.closed', message: 'The SOCKS proxy closed the connection before answering.' });
    const timer = setTimeout(() => finish({ code: 'proxy.closed', message: `The SOCKS proxy did not answer within ${HANDSHAKE_TIMEOUT_MS / 1000} s.` }), HANDSHAKE_TIMEOUT_MS);
    let done = false;
    function finish(failure?: ProxyFailure, result?: { bound: SocksAddress; rest: Buffer }): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (failure) reject(Object.assign(new Error(failure.message), { code: failure.code }));
      else resolve(result ?? { bound: { address: '0.0.0.0', port: 0 }, rest: Buffer.alloc(0) });
    }
    socket.on('data', onData);
    socket.once('close', onClose);
    send(encodeGreeting(withCredentials));
  });
}
