import { connect, isIP, type Socket } from 'node:net';
import { StreamDecoder, encodeStreamFrame } from '../framing/stream-framing';
import type { Link, LinkSinks } from './link';
import { httpConnect, type HttpProxySettings } from './http-proxy';
import { socks5Handshake, type Socks5Settings } from './socks5';

/** The proxy in front of a TCP link: HTTP CONNECT or SOCKS5 CONNECT. */
export type TcpProxy = { kind: 'http'; settings: HttpProxySettings } | { kind: 'socks5'; settings: Socks5Settings };

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens a TCP connection to the server (directly or through an HTTP or SOCKS5 proxy) and frames
 * OpenVPN packets with the u16 length prefix.
 */
export async function openTcpLink(
  address: string, port: number, family: 4 | 6, sinks: LinkSinks, proxy?: TcpProxy,
): Promise<Link> {
  const socket = await connectSocket(proxy ? proxy.settings.host : address, proxy ? proxy.settings.port : port);
  socket.setNoDelay(true);
  let closed = false;
  const decoder = new StreamDecoder({ onPacket: (p) => sinks.onPacket(p), onDrop: (r) => sinks.onDrop(r) });
  try {
    const early = proxy?.kind === 'http' ? await httpConnect(socket, { host: address, port }, proxy.settings)
      : proxy?.kind === 'socks5' ? (await socks5Handshake(socket, 'connect', { address, port }, proxy.settings)).rest
        : Buffer.alloc(0);
    if (early.length > 0) decoder.push(early);
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const firstHop = proxy ? addressOf(socket) : undefined;
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('error', () => { /* 'close' follows and reports */ });
  socket.on('close', () => {
    if (!closed) sinks.onClosed('tcp.closed');
    closed = true;
  });
  return {
    kind: 'tcp',
    remoteAddress: address,
    remotePort: port,
    family,
    ...(firstHop ? { firstHop } : {}),
    send(packet) {
      if (!closed) socket.write(encodeStreamFrame(packet));
    },
    close() {
      closed = true;
      socket.destroy();
    },
  };
}

/** The peer a connected socket reached (IPv4-mapped IPv6 reported as IPv4). */
export function addressOf(socket: Socket): { address: string; family: 4 | 6 } | undefined {
  const raw = socket.remoteAddress;
  if (raw === undefined) return undefined;
  const address = raw.startsWith('::ffff:') && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
  const family = isIP(address);
  return family === 4 || family === 6 ? { address, family } : undefined;
}

export function connectSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => { socket.destroy(); reject(Object.assign(new Error(`TCP connect to ${host}:${port} timed out`), { code: 'ETIMEDOUT' })); }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => { clearTimeout(timer); socket.off('error', onError); resolve(socket); });
    const onError = (error: Error): void => { clearTimeout(timer); reject(error); };
    socket.once('error', onError);
  });
}
