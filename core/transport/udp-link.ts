import { createSocket, type Socket } from 'node:dgram';
import type { Link, LinkSinks } from './link';

/** Opens a connected UDP socket to the server; `connect` makes the kernel filter other senders. */
export function openUdpLink(address: string, port: number, family: 4 | 6, sinks: LinkSinks): Promise<Link> {
  const socket: Socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024, sendBufferSize: 4 * 1024 * 1024 });
  let closed = false;
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, address, () => {
      socket.off('error', reject);
      socket.on('error', (error) => {
        // ECONNREFUSED on a connected UDP socket is an ICMP port unreachable: nothing listens
        // there, so the attempt ends now instead of waiting for server-poll-timeout.
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        if (closed) return;
        if (code === 'ECONNREFUSED') sinks.onClosed('udp.port_unreachable');
        else sinks.onDrop(`udp.${code}`);
      });
      socket.on('message', (packet) => sinks.onPacket(packet));
      resolve({
        kind: 'udp',
        remoteAddress: address,
        remotePort: port,
        family,
        send(packet) {
          if (!closed) socket.send(packet);
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
