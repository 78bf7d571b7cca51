import type { LabNetwork } from './netns';
import type { TestPki } from './pki';
import type { ServerVersion } from './server-builds';

export type LabWrap = 'none' | 'tls-auth' | 'tls-crypt' | 'tls-crypt-v2';

/**
 * The server's device:
 *  - `tun` (default): routed, `topology subnet` + `server NET MASK`.
 *  - `tap`: "routed TAP": `dev-type tap` + `server NET MASK`; the server's tap holds the
 *    tunnel's first address and it pushes `ifconfig ADDRESS NETMASK` + `route-gateway`.
 *  - `tap-bridge`: a Linux bridge in the server namespace holds the first address, the server's
 *    (persistent) tap is a port of it, and `server-bridge GW MASK START END` hands out
 *    addresses from the upper half: clients sit on the bridge's Ethernet segment.
 *  - `tap-bridge-dhcp`: the same bridge with a bare `server-bridge`, which pushes only
 *    `route-gateway dhcp`: clients are left to a DHCP server inside the bridge.
 */
export type LabDevice = 'tun' | 'tap' | 'tap-bridge' | 'tap-bridge-dhcp';

export interface ServerOptions {
  proto: 'udp' | 'tcp';
  port: number;
  wrap: LabWrap;
  /** Default tun. */
  device?: LabDevice;
  ipv6: boolean;
  /** Which generation reads the config (`disable-dco` is 2.6+; 2.5 refuses it). Default 2.6. */
  version?: ServerVersion;
  /** Unix socket of the management interface; `clientAuth` adds `management-client-auth`. */
  management?: { socket: string; clientAuth: boolean };
  logFile: string;
  pidFile: string;
  /** Extra directives, appended last (so they win over ours where OpenVPN takes the last). */
  extra: readonly string[];
}

/**
 * Directives that make the server run a program. The server runs as root, so it may run
 * only what a test hands it: `script-security 2` is added only when one of these is given.
 */
const SCRIPT_DIRECTIVES = new Set(['auth-user-pass-verify', 'client-connect', 'client-disconnect', 'client-crresponse',
  'tls-verify', 'tls-crypt-v2-verify', 'learn-address', 'up', 'down', 'route-up', 'route-pre-down', 'ipchange']);

/**
 * The lab server's config: a plain `server` with subnet topology and keepalive, no DCO
 * (the kernel module may be absent: both ends use the userspace data channel), ECDHE only
 * (`dh none`). It binds the IPv6 wildcard with dual-stack (`udp6`/`tcp6-server` and no
 * `local`), so IPv4 and IPv6 clients on both links reach it. The same config serves 2.4 to
 * 2.7, less what a generation does not know (DCO came with 2.6, so 2.4 and 2.5 have no
 * `disable-dco`) or knows by another name (2.4's `ncp-ciphers` for `data-ciphers`).
 */
export function serverConfig(net: LabNetwork, pki: TestPki, options: ServerOptions): string {
  const lines = [
    ...deviceLines(net, options.device ?? 'tun'),
    `proto ${options.proto === 'udp' ? 'udp6' : 'tcp6-server'}`, `port ${options.port}`,
    `ca ${pki.files.caCert}`, `cert ${pki.files.serverCert}`, `key ${pki.files.serverKey}`, 'dh none',
    'keepalive 10 60', ...(hasDco(options.version) ? ['disable-dco'] : []), 'duplicate-cn',
    // 2.4 names the list `ncp-ciphers` (2.5 renamed it; 2.4 refuses `data-ciphers`).
    `${options.version === '2.4' ? 'ncp-ciphers' : 'data-ciphers'} AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305`,
    'verb 4', `log-append ${options.logFile}`, `writepid ${options.pidFile}`,
  ];
  if (options.ipv6) lines.push(`server-ipv6 ${net.tunnel.network6}`);
  lines.push(...serverWrapLines(pki, options.wrap));
  if (options.management) {
    lines.push(`management ${options.management.socket} unix`);
    if (options.management.clientAuth) lines.push('management-client-auth');
  }
  if (runsScripts(options.extra) && !options.extra.some((line) => /^script-security\b/.test(line))) lines.push('script-security 2');
  lines.push(...options.extra);
  return `${lines.join('\n')}\n`;
}

/** DCO (and with it `disable-dco`) came with 2.6; the default (undefined) is 2.6. */
function hasDco(version: ServerVersion | undefined): boolean {
  return version !== '2.4' && version !== '2.5';
}

function deviceLines(net: LabNetwork, device: LabDevice): string[] {
  const { tunnel } = net;
  switch (device) {
    case 'tun': return ['dev-type tun', `dev ${tunnel.device}`, 'topology subnet', `server ${tunnel.network} ${tunnel.netmask}`];
    case 'tap': return ['dev-type tap', `dev ${tunnel.device}`, `server ${tunnel.network} ${tunnel.netmask}`];
    case 'tap-bridge': {
      const pool = bridgePool(net);
      return ['dev-type tap', `dev ${tunnel.device}`, `server-bridge ${tunnel.serverIp} ${tunnel.netmask} ${pool.start} ${pool.end}`];
    }
    case 'tap-bridge-dhcp': return ['dev-type tap', `dev ${tunnel.device}`, 'server-bridge'];
    default: return unreachable(device);
  }
}

/** The addresses server-bridge hands out: .100–.199 of the tunnel's /24 (the bridge holds .1). */
export function bridgePool(net: LabNetwork): { start: string; end: string } {
  const prefix = net.tunnel.network.split('.').slice(0, 3).join('.');
  return { start: `${prefix}.100`, end: `${prefix}.199` };
}

function serverWrapLines(pki: TestPki, wrap: LabWrap): string[] {
  switch (wrap) {
    case 'none': return [];
    case 'tls-auth': return [`tls-auth ${pki.files.staticKey} 0`];
    case 'tls-crypt': return [`tls-crypt ${pki.files.staticKey}`];
    case 'tls-crypt-v2': return [`tls-crypt-v2 ${pki.files.tlsCryptV2ServerKey}`];
    default: return unreachable(wrap);
  }
}

export function runsScripts(directives: readonly string[]): boolean {
  return directives.some((line) => SCRIPT_DIRECTIVES.has(line.trim().split(/\s+/)[0] ?? ''));
}

function unreachable(value: never): never {
  throw new Error(`unexpected ${String(value)}`);
}
