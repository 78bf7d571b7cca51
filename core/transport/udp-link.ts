import { createSocket, type Socket } from 'node:dgram';
import { isSourceLost, type Link, type LinkReconnectCause, type LinkSinks } from './link';
import { udpDropReason } from '../session/codes';

/**
 * Opens a connected UDP socket to the server; `connect` makes the kernel filter other senders.
 *
 * A connected socket keeps the source address the kernel chose at connect time. When that
 * address goes away (a new DHCP lease, a roaming laptop), every send fails with ENETUNREACH
 * (seen in the lab; EINVAL or EADDRNOTAVAIL elsewhere) and replies to a new address never
 * reach it. So such a send error connects the socket again (disconnect first: a second
 * connect alone keeps the old source), and the next packet leaves from the new address; the
 * server floats the session by its peer-id. The port changes too: the kernel binds afresh.
 */
export function openUdpLink(address: string, port: number, family: 4 | 6, sinks: LinkSinks): Promise<Link> {
  const socket: Socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024, sendBufferSize: 4 * 1024 * 1024 });
  let closed = false;
  /** Between disconnect() and the connect callback: sends are dropped, not thrown. */
  let reconnecting = false;
  const reconnect = (cause: LinkReconnectCause): void => {
    if (closed || reconnecting) return;
    reconnecting = true;
    if (isConnected(socket)) socket.disconnect();
    socket.connect(port, address, () => {
      reconnecting = false;
      // Still no route to the server: the socket stays unconnected, and the next send tries again.
      if (!closed && isConnected(socket)) sinks.onReconnected?.(cause);
    });
  };
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, address, () => {
      socket.off('error', reject);
      if (!isConnected(socket)) {
        // Node calls back even when the kernel refused the connect (no route to the
        // server): the socket is left unconnected and every send would throw.
        socket.close();
        reject(Object.assign(new Error(`no route to ${address}`), { code: 'ENETUNREACH' }));
        return;
      }
      socket.on('error', (error) => {
        // ECONNREFUSED on a connected UDP socket is an ICMP port unreachable: nothing listens
        // there, so the attempt ends now instead of waiting for server-poll-timeout.
        const { code, syscall } = error as NodeJS.ErrnoException;
        if (closed) return;
        if (code === 'ECONNREFUSED') return sinks.onClosed('udp.port_unreachable');
        // A failed re-connect (still no route) reports here too; the next send tries again.
        if (syscall === 'connect') return;
        sinks.onDrop(udpDropReason(code));
      });
      // Without a callback, node:dgram drops a send's error silently; one shared function, no closure per packet.
      const afterSend = (error: Error | null): void => {
        if (!error || closed) return;
        const { code } = error as NodeJS.ErrnoException;
        if (code === 'ECONNREFUSED') return sinks.onClosed('udp.port_unreachable');
        sinks.onDrop(udpDropReason(code, 'udp.send_failed'));
        if (isSourceLost(code)) reconnect('source_lost');
      };
      socket.on('message', (packet) => sinks.onPacket(packet));
      resolve({
        kind: 'udp',
        remoteAddress: address,
        remotePort: port,
        family,
        send(packet) {
          if (closed) return;
          if (reconnecting) return sinks.onDrop('udp.reconnecting');
          if (!isConnected(socket)) {
            // A re-connect found no route: try again now, this packet is lost either way.
            sinks.onDrop('udp.ENETUNREACH');
            return reconnect('source_lost');
          }
          try {
            socket.send(packet, afterSend);
          } catch (error) {
            sinks.onDrop(udpDropReason((error as NodeJS.ErrnoException).code, 'udp.send_failed'));
          }
        },
        reconnect() {
          reconnect('requested');
        },
        close() {
          if (closed) return;
          closed = true;
          socket.close();
        },
      });
    });
  });
}

function isConnected(socket: Socket): boolean {
  try {
    socket.remoteAddress();
    return true;
  } catch {
    return false;
  }
}
