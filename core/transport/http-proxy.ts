import type { Socket } from 'node:net';
import type { Secret } from '../wire/secret';

export interface HttpProxySettings {
  host: string;
  port: number;
  username?: string;
  password?: Secret;
  /** The profile said `stdin`: the username and password are asked before the first connect (open-link.ts). */
  askCredentials?: boolean;
}

/** Longest proxy reply head we read before giving up: proxies answer in a few hundred bytes. */
const MAX_REPLY_HEAD_BYTES = 16 * 1024;

/** Why a proxy (HTTP or SOCKS5) did not give us a path to the server. */
export type ProxyFailure = { code: 'proxy.refused' | 'proxy.auth_required' | 'proxy.auth_rejected' | 'proxy.bad_reply' | 'proxy.closed'; message: string };

/**
 * Asks an HTTP proxy for a tunnel with CONNECT (RFC 9110 §9.3.6), with Basic credentials
 * when the profile has them. Resolves with the bytes that followed the reply head, which
 * already belong to the OpenVPN stream.
 */
export function httpConnect(socket: Socket, target: { host: string; port: number }, proxy: HttpProxySettings): Promise<Buffer> {
  const authority = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`, 'User-Agent: Postern'];
  if (proxy.username !== undefined && proxy.password !== undefined) {
    const token = Buffer.from(`${proxy.username}:${proxy.password.reveal()}`).toString('base64');
    lines.push(`Proxy-Authorization: Basic ${token}`);
  }
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);

  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_REPLY_HEAD_BYTES) finish({ code: 'proxy.bad_reply', message: 'The proxy sent an oversized reply.' });
        return;
      }
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
      if (status >= 200 && status < 300) finish(undefined, head.subarray(end + 4));
      else if (status === 407) finish({ code: 'proxy.auth_required', message: 'The HTTP proxy asks for credentials (407); add them with http-proxy-user-pass.' });
      else finish({ code: 'proxy.refused', message: `The HTTP proxy refused the tunnel: ${statusLine || 'no status line'}` });
    };
    const onClose = (): void => finish({ code: 'proxy.closed', message: 'The HTTP proxy closed the connection before answering.' });
    function finish(failure?: ProxyFailure, rest?: Buffer): void {
      socket.off('data', onData);
      socket.off('close', onClose);
      if (failure) reject(Object.assign(new Error(failure.message), { code: failure.code }));
      else resolve(rest ?? Buffer.alloc(0));
    }
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}
