import type { LabNetwork } from './netns';
import type { TestPki } from './pki';

export type LabWrap = 'none' | 'tls-auth' | 'tls-crypt' | 'tls-crypt-v2';

export interface ServerOptions {
  proto: 'udp' | 'tcp';
  wrap: LabWrap;
  ipv6: boolean;
  management?: string;
  extra: readonly string[];
}

/**
 * The lab server's config: a plain 2.6 `server` with subnet topology, keepalive and no
 * DCO (the kernel module may be absent; both ends use the userspace data channel).
 * Listens on IPv6 with dual-stack so both address families reach it.
 */
export function serverConfig(net: LabNetwork, pki: TestPki, options: ServerOptions, logFile: string): string {
  const lines = [
    'dev-type tun', `dev ${net.id}t`,
    `proto ${options.proto === 'udp' ? 'udp6' : 'tcp6-server'}`, 'port 1194',
    `ca ${pki.path('ca.crt')}`, `cert ${pki.path('server.crt')}`, `key ${pki.path('server.key')}`, 'dh none',
    'topology subnet', `server ${net.tunnelNet.network} 255.255.255.0`,
    'keepalive 10 60', 'disable-dco', 'duplicate-cn',
    'data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305',
    'verb 4', `log-append ${logFile}`,
  ];
  if (options.ipv6) lines.push(`server-ipv6 ${net.tunnelNet.network6}`);
  if (options.wrap === 'tls-auth') lines.push(`tls-auth ${pki.path('static.key')} 0`);
  if (options.wrap === 'tls-crypt') lines.push(`tls-crypt ${pki.path('static.key')}`);
  if (options.wrap === 'tls-crypt-v2') lines.push(`tls-crypt-v2 ${pki.path('tc2-server.key')}`);
  if (options.management) lines.push(`management ${options.management} unix`);
  lines.push(...options.extra);
  return `${lines.join('\n')}\n`;
}

export interface ClientProfileOptions {
  remoteIp: string;
  proto: 'udp' | 'tcp';
  wrap: LabWrap;
  /** Client credentials; default: the lab's client cert and key. */
  credentials?: 'pem' | 'none';
  extra?: readonly string[];
}

/** A complete, self-contained client profile (inline blocks) for the lab server. */
export function clientProfile(pki: TestPki, options: ClientProfileOptions): string {
  const lines = [
    'client', 'dev tun', `proto ${options.proto}`, `remote ${options.remoteIp} 1194`, 'nobind',
    'remote-cert-tls server', 'verb 3',
    `<ca>\n${pki.caCert.trim()}\n</ca>`,
  ];
  if ((options.credentials ?? 'pem') === 'pem') {
    lines.push(`<cert>\n${pki.clientCert.trim()}\n</cert>`, `<key>\n${pki.clientKey.trim()}\n</key>`);
  }
  if (options.wrap === 'tls-auth') lines.push('key-direction 1', `<tls-auth>\n${pki.staticKey.trim()}\n</tls-auth>`);
  if (options.wrap === 'tls-crypt') lines.push(`<tls-crypt>\n${pki.staticKey.trim()}\n</tls-crypt>`);
  if (options.wrap === 'tls-crypt-v2') lines.push(`<tls-crypt-v2>\n${pki.tlsCryptV2ClientKey.trim()}\n</tls-crypt-v2>`);
  lines.push(...(options.extra ?? []));
  return `${lines.join('\n')}\n`;
}
