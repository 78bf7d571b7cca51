// transport/: the links to a server (UDP, TCP, TCP through an HTTP CONNECT proxy) and nothing else.
// Owns the sockets; must not import client/ (the supervisor that uses these links) or core/index.ts.
export type { Link, LinkReconnectCause, LinkSinks, RemoteEndpoint, UdpLinkOpener } from './link';
export { isSourceLost } from './link';
export { openUdpLink } from './udp-link';
export { openTcpLink } from './tcp-link';
export type { HttpProxySettings } from './http-proxy';
