import type { ControlWrapSettings } from '../session/session-settings';
import type { HttpProxySettings } from './http-proxy';
import type { Socks5Settings } from './socks5';
import type { DropReason } from '../session/codes';

/**
 * A connected path to one OpenVPN server: whole OpenVPN packets in and out.
 * UDP carries one packet per datagram; TCP frames them with a u16 length
 * (protocol.md §1). The session never knows which one it has.
 */
export interface Link {
  readonly kind: 'udp' | 'tcp';
  /** Address actually used, for logs and for the helper's host route to the server. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly family: 4 | 6;
  /**
   * Where this link's packets actually go when that is not the server: the proxy (TCP through
   * HTTP or SOCKS5) or the SOCKS5 UDP relay. The helper keeps this address on the original
   * path (its host route, its path watch): through a proxy the server is never reached directly.
   */
  readonly firstHop?: { address: string; family: 4 | 6 };
  send(packet: Buffer): void;
  /**
   * UDP only: connect the socket again, so the kernel picks the source address the route to
   * the server has now (a connected socket keeps the one it had at connect time). The session
   * and the server's peer-id stay; the server floats the session to the new address.
   */
  reconnect?(): void;
  close(): void;
}

export interface LinkSinks {
  onPacket(packet: Buffer): void;
  /** The link broke (TCP reset, ICMP unreachable on a connected UDP socket, proxy or SOCKS relay closed). */
  onClosed(reason: string): void;
  onDrop(reason: DropReason): void;
  /** The UDP socket was connected again (its source address was gone, or the path changed). */
  onReconnected?(cause: LinkReconnectCause): void;
}

/** Why a UDP link connected its socket again: a send found its source address gone, or the client asked. */
export type LinkReconnectCause = 'source_lost' | 'requested';

/**
 * Send errors that mean the socket's source address is no longer ours (the kernel's route
 * lookup with that source fails: ENETUNREACH seen in the lab, EINVAL and EADDRNOTAVAIL on
 * other kernels): the socket is connected again to pick the new one.
 */
export function isSourceLost(errno: string | undefined): boolean {
  return errno === 'ENETUNREACH' || errno === 'EINVAL' || errno === 'EADDRNOTAVAIL';
}

/**
 * Opens a connected UDP link to address:port; rejects when the server cannot be reached.
 * Core's own is node:dgram (udp-link.ts); the helper passes one with batched syscalls.
 */
export type UdpLinkOpener = (address: string, port: number, family: 4 | 6, sinks: LinkSinks) => Promise<Link>;

/**
 * Called with a SOCKS5 UDP relay's address once the proxy has named it, before the first
 * datagram goes there: the helper's kill switch opens that one endpoint (it cannot be known
 * before the proxy answers). A rejection fails the link.
 */
export type RelayAnnouncer = (relay: { address: string; port: number; family: 4 | 6 }) => Promise<void>;

export interface RemoteEndpoint {
  host: string;
  port: number;
  proto: 'udp' | 'tcp';
  /** 4 or 6 to force a family (udp4/tcp6-client…), undefined for either. */
  family?: 4 | 6;
  /** A <connection> block's own tls-auth/tls-crypt key; else the profile's applies. */
  wrap?: ControlWrapSettings;
  /** A <connection> block's own http-proxy; else the profile's applies. */
  httpProxy?: HttpProxySettings;
  /** A <connection> block's own socks-proxy; else the profile's applies. */
  socksProxy?: Socks5Settings;
}
