import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIP } from 'node:net';
import type { Link, LinkSinks, RelayAnnouncer } from './link';
import { udpDropReason } from '../session/codes';
import { encodeUdpHeader, isUnspecified, parseUdpDatagram, sameAddress, socks5Handshake, type Socks5Settings } from './socks5';
import { addressOf, connectSocket } from './tcp-link';

/**
 * UDP to the server through a SOCKS5 relay (RFC 1928 §7, UDP ASSOCIATE). The TCP connection
 * that asked for the relay stays open for the life of the link: the proxy ends the relay when
 * it closes, and so the link closes ('proxy.relay_closed'). Each OpenVPN datagram goes to the
 * relay's BND.ADDR:BND.PORT behind a header naming the server; replies lose that header.
 * Datagrams from anywhere but the relay, or that the relay passed on from anyone but the
 * server, are dropped and counted. The socket is not connected, so those are seen to be counted.
 *
 * This is node:dgram even in the helper (its batched link has no SOCKS header handling):
 * a proxied path is not the fast one anyway. `announceRelay` hears the relay's address before
 * the first datagram (the helper's kill switch opens it).
 */
export async function openSocks5UdpLink(
  address: string, port: number, family: 4 | 6, sinks: LinkSinks, proxy: Socks5Settings, announceRelay?: RelayAnnouncer,
): Promise<Link> {
  const control = await connectSocket(proxy.host, proxy.port);
  let relay: { address: string; port: number; family: 4 | 6 };
  try {
    // 0.0.0.0:0: our datagrams' source is not known yet (RFC 1928 §7); OpenVPN asks the same.
    const { bound } = await socks5Handshake(control, 'udp-associate', { address: '0.0.0.0', port: 0 }, proxy);
    // A relay on "any address" is reached at the address the control connection went to.
    const relayAddress = isUnspecified(bound.address) ? addressOf(control)?.address ?? proxy.host : bound.address;
    const relayFamily = isIP(relayAddress);
    if (relayFamily !== 4 && relayFamily !== 6) throw Object.assign(new Error(`the proxy named a relay that is not an address (${relayAddress})`), { code: 'proxy.bad_reply' });
    relay = { address: relayAddress, port: bound.port, family: relayFamily };
    await announceRelay?.(relay);
  } catch (error) {
    control.destroy();
    throw error;
  }
  const socket = createSocket({ type: relay.family === 6 ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024, sendBufferSize: 4 * 1024 * 1024 });
  let closed = false;
  const close = (reason?: string): void => {
    if (closed) return;
    closed = true;
    control.destroy();
    socket.close();
    if (reason !== undefined) sinks.onClosed(reason);
  };
  const header = encodeUdpHeader({ address, port });
  control.setNoDelay(true);
  control.on('data', () => { /* nothing is expected on the control connection after the reply */ });
  control.on('error', () => { /* 'close' follows */ });
  control.on('close', () => close('proxy.relay_closed'));
  socket.on('error', (error) => { if (!closed) sinks.onDrop(udpDropReason((error as NodeJS.ErrnoException).code)); });
  socket.on('message', (datagram: Buffer, from: RemoteInfo) => {
    if (from.port !== relay.port || !sameAddress(from.address, relay.address)) return sinks.onDrop('socks.not_from_relay');
    const parsed = parseUdpDatagram(datagram);
    if (!parsed.ok) return sinks.onDrop(parsed.reason);
    if (parsed.from.port !== port || !sameAddress(parsed.from.address, address)) return sinks.onDrop('socks.not_from_server');
    sinks.onPacket(parsed.payload);
  });
  const afterSend = (error: Error | null): void => {
    if (error && !closed) sinks.onDrop(udpDropReason((error as NodeJS.ErrnoException).code, 'udp.send_failed'));
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => { socket.off('error', reject); resolve(); });
  }).catch((error: unknown) => { close(); throw error; });
  return {
    kind: 'udp',
    remoteAddress: address,
    remotePort: port,
    family,
    firstHop: { address: relay.address, family: relay.family },
    send(packet) {
      if (closed) return;
      try {
        socket.send([header, packet], relay.port, relay.address, afterSend);
      } catch (error) {
        sinks.onDrop(udpDropReason((error as NodeJS.ErrnoException).code, 'udp.send_failed'));
      }
    },
    close() {
      close();
    },
  };
}
