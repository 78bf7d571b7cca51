// transport/: the links to a server (UDP, TCP, TCP through an HTTP CONNECT or SOCKS5 proxy, UDP through a SOCKS5 relay) and nothing else.
// Owns the sockets; must not import client/ (the supervisor that uses these links) or core/index.ts.
export type { Link, LinkReconnectCause, LinkSinks, RelayAnnouncer, RemoteEndpoint, UdpLinkOpener } from './link';
export { isSourceLost } from './link';
export { openUdpLink } from './udp-link';
export { openTcpLink, type TcpProxy } from './tcp-link';
export { openSocks5UdpLink } from './socks5-udp-link';
export type { HttpProxySettings } from './http-proxy';
export type { Socks5Settings } from './socks5';
