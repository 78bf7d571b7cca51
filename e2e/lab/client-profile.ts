import type { TestPki } from './pki';
import type { LabWrap } from './server-config';

export interface ClientProfileOptions {
  remoteIp: string;
  port: number;
  proto: 'udp' | 'tcp';
  wrap: LabWrap;
  /** `dev tun` (default) or `dev tap`. */
  device?: 'tun' | 'tap';
  /** Client credentials; default: the lab's client1 certificate and key. */
  credentials?: 'pem' | 'none';
  /** Inline `<ca>…</ca>` blocks (default) or `ca FILE` lines pointing into the PKI folder. */
  inline?: boolean;
  /** Extra directives, appended last. */
  extra?: readonly string[];
}

/**
 * A complete client profile for the lab server, good for both the Debian openvpn client
 * and Postern's parser (so nothing client-specific such as `disable-dco`: the reference
 * client gets that on its command line).
 */
export function clientProfile(pki: TestPki, options: ClientProfileOptions): string {
  const inline = options.inline ?? true;
  const item = (directive: string, contents: string, file: string, fileSuffix = ''): string =>
    (inline ? `<${directive}>\n${contents.trim()}\n</${directive}>` : `${directive} ${file}${fileSuffix}`);
  const lines = [
    'client', `dev ${options.device ?? 'tun'}`, `proto ${options.proto}`, `remote ${options.remoteIp} ${options.port}`, 'nobind',
    'remote-cert-tls server', 'verb 3',
    item('ca', pki.caCert, pki.files.caCert),
  ];
  if ((options.credentials ?? 'pem') === 'pem') {
    lines.push(item('cert', pki.clientCert, pki.files.clientCert), item('key', pki.clientKey, pki.files.clientKey));
  }
  switch (options.wrap) {
    case 'none': break;
    case 'tls-auth':
      lines.push(...(inline ? ['key-direction 1'] : []), item('tls-auth', pki.staticKey, pki.files.staticKey, ' 1'));
      break;
    case 'tls-crypt': lines.push(item('tls-crypt', pki.staticKey, pki.files.staticKey)); break;
    case 'tls-crypt-v2': lines.push(item('tls-crypt-v2', pki.tlsCryptV2ClientKey, pki.files.tlsCryptV2ClientKey)); break;
  }
  lines.push(...(options.extra ?? []));
  return `${lines.join('\n')}\n`;
}
