import type { ControlWrapSettings } from '../session/session-settings';
import type { HttpProxySettings } from './http-proxy';
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
  send(packet: Buffer): void;
  close(): void;
}

export interface LinkSinks {
  onPacket(packet: Buffer): void;
  /** The link broke (TCP reset, ICMP unreachable on a connected UDP socket, proxy closed). */
  onClosed(reason: string): void;
  onDrop(reason: DropReason): void;
}

/**
 * Opens a connected UDP link to address:port; rejects when the server cannot be reached.
 * Core's own is node:dgram (udp-link.ts); the helper passes one with batched syscalls.
 */
export type UdpLinkOpener = (address: string, port: number, family: 4 | 6, sinks: LinkSinks) => Promise<Link>;

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
}
