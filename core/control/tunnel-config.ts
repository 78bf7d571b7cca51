import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { Secret } from '../wire/secret';
import { MAX_PEER_ID } from './constants';
import { tokenizeOptionLine } from './option-tokenizer';
import { applyPullFilters } from './pull-filter';
import type { PullFilter } from './pull-filter';
import { handleDhcpOption, handleDns } from './pushed-dns';
import {
  handleIfconfig, handleIfconfigIpv6, handleRedirect, handleRoute, handleRouteGateway, handleRouteIpv6,
  handleRouteMetric, handleTopology, parseNumber, readForDevice,
} from './pushed-network';
import type { OptionHandler } from './pushed-network';
import { emptyTunnelConfig } from './tunnel-config-types';
import type { CompressionSetting, TunnelConfig } from './tunnel-config-types';

export type {
  CompressionFraming, CompressionSetting, DnsConfig, DnsServerOption, PushedRoute, PushedRouteIpv6,
  RedirectGateway, Topology, TunnelConfig,
} from './tunnel-config-types';

export interface BuildTunnelConfigOptions {
  /** `route-nopull`: drop routing and DNS options (2.x withholds OPT_P_ROUTE | OPT_P_DHCPDNS). */
  routeNopull?: boolean;
  pullFilters?: readonly PullFilter[];
  /** The profile's device (default tun): on tap, ifconfig's second address must be a netmask. */
  device?: 'tun' | 'tap';
}

export type TunnelConfigError = { code: 'control.pull_filter_rejected'; option: string };

/**
 * Options that route-nopull withholds (ovpn:init.c pull_permission_mask: the
 * OPT_P_ROUTE and OPT_P_DHCPDNS ones in ovpn:options.c). route-gateway is an
 * OPT_P_ROUTE_EXTRAS option and stays.
 */
const ROUTE_NOPULL_DROPS = new Set([
  'route', 'route-ipv6', 'route-metric', 'redirect-gateway', 'redirect-private', 'block-ipv6', 'client-nat',
  'dhcp-option', 'dns', 'block-outside-dns', 'register-dns', 'ip-win32', 'tap-sleep', 'dhcp-renew', 'dhcp-pre-release',
]);

/** Pushable, understood, and of no consequence for this client. */
const IGNORED = new Set([
  'route-delay', 'route-method', 'sndbuf', 'rcvbuf', 'socket-flags', 'shaper', 'persist-tun', 'persist-key',
  'verb', 'mute', 'setenv-safe', 'tun-ipv6', 'ip-win32', 'dhcp-renew', 'dhcp-pre-release', 'tap-sleep',
  'register-dns', 'ping-timer-rem', 'session-timeout', 'lladdr', 'client-nat', 'route-table', 'show-net-up',
  'ifconfig-noexec', 'ifconfig-nowarn', 'mtu-test', 'errors-to-stderr', 'push-peer-info',
]);

const HANDLERS: Record<string, OptionHandler> = {
  'ifconfig': handleIfconfig,
  'ifconfig-ipv6': handleIfconfigIpv6,
  'topology': handleTopology,
  'route': handleRoute,
  'route-ipv6': handleRouteIpv6,
  'route-gateway': handleRouteGateway,
  'route-metric': handleRouteMetric,
  'redirect-gateway': handleRedirect('redirectGateway'),
  'redirect-private': handleRedirect('redirectPrivate'),
  'block-ipv6': (params, config) => { if (params.length > 0) return 'takes no parameters'; config.blockIpv6 = true; return null; },
  'dhcp-option': handleDhcpOption,
  'dns': handleDns,
  'block-outside-dns': (_params, config) => { config.dns.blockOutsideDns = true; return null; },
  'tun-mtu': numberInto('tunMtuBytes', 68, 65535),
  'peer-id': handlePeerId,
  'cipher': ([name], config) => { if (!name) return 'needs a cipher'; config.cipher = name; return null; },
  'key-derivation': handleKeyDerivation,
  'protocol-flags': handleProtocolFlags,
  'auth-token': ([token], config) => { if (!token) return 'needs a token'; config.authToken = new Secret(token); return null; },
  'auth-token-user': handleAuthTokenUser,
  'ping': numberInto('pingSeconds', 0, 0x7fffffff),
  'ping-restart': numberInto('pingRestartSeconds', 0, 0x7fffffff),
  'ping-exit': numberInto('pingExitSeconds', 0, 0x7fffffff),
  'inactive': handleInactive,
  'explicit-exit-notify': handleExplicitExitNotify,
  'comp-lzo': handleCompLzo,
  'compress': handleCompress,
  'echo': (params, config) => { config.echo.push(params.join(' ')); return null; },
  // Consumed by PushAccumulator; harmless if still present.
  'push-continuation': () => null,
};

/**
 * Turns the options of a complete push (PushAccumulator) into a TunnelConfig.
 * Per option, in pushed order: pull-filter on the raw text (reject fails the
 * whole push), route-nopull, tokenise, then the handler. Unknown and malformed
 * options are reported in the result, never fatal.
 */
export function buildTunnelConfig(options: readonly string[], settings: BuildTunnelConfigOptions = {}): Result<TunnelConfig, TunnelConfigError> {
  const config = emptyTunnelConfig();
  for (const option of options) {
    const verdict = applyPullFilters(settings.pullFilters ?? [], option);
    if (verdict === 'reject') return err({ code: 'control.pull_filter_rejected', option });
    if (verdict === 'ignore') { config.filtered.push(option); continue; }
    const tokens = tokenizeOptionLine(option);
    if (!tokens.ok) { config.invalid.push({ option, reason: tokens.error }); continue; }
    const [name, ...params] = tokens.value;
    if (name === undefined) continue;
    if (settings.routeNopull && ROUTE_NOPULL_DROPS.has(name)) { config.filtered.push(option); continue; }
    const handler = HANDLERS[name];
    if (handler) {
      const problem = handler(params, config, option);
      if (problem !== null) config.invalid.push({ option, reason: problem });
    } else if (IGNORED.has(name)) {
      config.ignored.push(option);
    } else {
      config.unknown.push(option);
    }
  }
  if (config.protocolFlags.has('tls-ekm')) config.keyDerivation = 'tls-ekm';
  readForDevice(config, settings.device ?? 'tun');
  return ok(config);
}

type NumericKey = 'tunMtuBytes' | 'pingSeconds' | 'pingRestartSeconds' | 'pingExitSeconds';

function numberInto(key: NumericKey, min: number, max: number): OptionHandler {
  return ([value], config) => {
    const parsed = value === undefined ? null : parseNumber(value, min, max);
    if (parsed === null) return `needs a number in ${min}..${max}`;
    config[key] = parsed;
    return null;
  };
}

function handlePeerId([value]: string[], config: TunnelConfig): string | null {
  const parsed = value === undefined ? null : parseNumber(value, -1, MAX_PEER_ID);
  if (parsed === null) return 'needs a number in -1..16777215';
  config.peerId = parsed === -1 ? MAX_PEER_ID : parsed;
  return null;
}

function handleKeyDerivation([method]: string[], config: TunnelConfig): string | null {
  if (method !== 'tls-ekm') return 'only tls-ekm is defined';
  config.keyDerivation = 'tls-ekm';
  return null;
}

function handleProtocolFlags(flags: string[], config: TunnelConfig): string | null {
  // Unknown flags are kept: 2.x warns and carries on.
  for (const flag of flags) config.protocolFlags.add(flag);
  return flags.length === 0 ? 'needs flags' : null;
}

function handleAuthTokenUser([encoded]: string[], config: TunnelConfig): string | null {
  if (!encoded || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return 'needs base64';
  config.authTokenUser = Buffer.from(encoded, 'base64').toString('utf8');
  return null;
}

function handleInactive([seconds, bytes]: string[], config: TunnelConfig): string | null {
  const parsedSeconds = seconds === undefined ? null : parseNumber(seconds, 0, 0x7fffffff);
  const parsedBytes = bytes === undefined ? undefined : parseNumber(bytes, 0, Number.MAX_SAFE_INTEGER);
  if (parsedSeconds === null || parsedBytes === null) return 'needs SECONDS [BYTES]';
  config.inactive = parsedBytes === undefined ? { seconds: parsedSeconds } : { seconds: parsedSeconds, minBytes: parsedBytes };
  return null;
}

function handleExplicitExitNotify([count]: string[], config: TunnelConfig): string | null {
  const parsed = count === undefined ? 1 : parseNumber(count, 0, 0x7fffffff);
  if (parsed === null) return 'needs a number';
  config.explicitExitNotifyTries = parsed;
  return null;
}

/** `comp-lzo [yes|no|adaptive]`: LZO framing (0xFA / 0x66); `no` means the server never compresses. */
function handleCompLzo([mode]: string[], config: TunnelConfig, line: string): string | null {
  if (mode !== undefined && mode !== 'yes' && mode !== 'no' && mode !== 'adaptive') return 'bad comp-lzo mode';
  config.compression = { framing: 'lzo', peerMayCompressWith: mode === 'no' ? 'none' : 'lzo', option: line };
  return null;
}

const COMPRESS_SETTINGS: Record<string, Omit<CompressionSetting, 'option'>> = {
  '': { framing: 'stub', peerMayCompressWith: 'none' },
  'stub': { framing: 'stub', peerMayCompressWith: 'none' },
  'stub-v2': { framing: 'stub-v2', peerMayCompressWith: 'none' },
  'lz4': { framing: 'lz4', peerMayCompressWith: 'lz4' },
  'lz4-v2': { framing: 'lz4-v2', peerMayCompressWith: 'lz4' },
  'lzo': { framing: 'lzo', peerMayCompressWith: 'lzo' },
};

/** `compress [stub|stub-v2|lz4|lz4-v2|lzo]` (ovpn:options.c, comp.h). */
function handleCompress([algorithm]: string[], config: TunnelConfig, line: string): string | null {
  const setting = COMPRESS_SETTINGS[algorithm ?? ''];
  if (!setting) return 'unknown compression algorithm';
  config.compression = { ...setting, option: line };
  return null;
}
