import { createSocket, type Socket } from 'node:dgram';
import type { Link, LinkSinks } from './link';
import { udpDropReason } from '../session/codes';

/** Opens a connected UDP socket to the server; `connect` makes the kernel filter other senders. */
export function openUdpLink(address: string, port: number, family: 4 | 6, sinks: LinkSinks): Promise<Link> {
  const socket: Socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024, sendBufferSize: 4 * 1024 * 1024 });
  let closed = false;
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
        const code = (error as NodeJS.ErrnoException).code;
        if (closed) return;
        if (code === 'ECONNREFUSED') sinks.onClosed('udp.port_unreachable');
        else sinks.onDrop(udpDropReason(code));
      });
      socket.on('message', (packet) => sinks.onPacket(packet));
      resolve({
        kind: 'udp',
        remoteAddress: address,
        remotePort: port,
        family,
        send(packet) {
          if (closed) return;
          try {
            socket.send(packet);
          } catch (error) {
            sinks.onDrop(udpDropReason((error as NodeJS.ErrnoException).code, 'udp.send_failed'));
          }
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
