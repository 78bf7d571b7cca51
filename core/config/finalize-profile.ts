import { PROFILE_DEFAULTS } from './constants';
import type { ProblemList } from './problem-list';
import { WHOLE_PROFILE, makeProblem } from './problems';
import type { ProblemCode, Severity, SourcePosition } from './problems';
import type { ConnectionDraft, ProfileDraft, RemoteDraft } from './profile-draft';
import type { DeviceType, HttpProxy, Profile, Remote, SocksProxy, TlsWrap } from './profile-types';

type Report = (code: ProblemCode, severity: Severity, message: string, at: SourcePosition, directive?: string, hint?: string) => void;

/**
 * Draft → Profile, with the checks that need the whole profile (ovpn:options.c
 * options_postprocess*): the client role, a server to reach, something to check
 * the server with, something to authenticate with.
 */
export function finalizeProfile(draft: ProfileDraft, problems: ProblemList): Profile {
  const report: Report = (code, severity, message, at, directive, hint) => {
    const extra: { directive?: string; hint?: string } = {};
    if (directive !== undefined) extra.directive = directive;
    if (hint !== undefined) extra.hint = hint;
    problems.add(makeProblem(code, severity, message, at, extra));
  };
  checkRole(draft, report);
  const device = checkDevice(draft, report);
  const globalWrap = withDirection(draft.tls.wrap, draft.tls.keyDirection);
  const profile: Profile = {
    remotes: buildRemotes(draft, report),
    remoteRandom: draft.remoteRandom,
    remoteRandomHostname: draft.remoteRandomHostname,
    tls: globalWrap === undefined ? draft.tls : { ...draft.tls, wrap: globalWrap },
    ciphers: draft.ciphers,
    compression: draft.compression,
    auth: draft.auth,
    routing: draft.routing,
    timers: {
      ...draft.timers,
      connectRetrySeconds: draft.ce.connectRetrySeconds ?? PROFILE_DEFAULTS.connectRetrySeconds,
      connectRetryMaxSeconds: draft.ce.connectRetryMaxSeconds ?? PROFILE_DEFAULTS.connectRetryMaxSeconds,
      serverPollTimeoutSeconds: draft.ce.serverPollTimeoutSeconds ?? PROFILE_DEFAULTS.serverPollTimeoutSeconds,
    },
    device,
    tunMtuBytes: draft.ce.tunMtuBytes ?? PROFILE_DEFAULTS.tunMtuBytes,
    mssfix: draft.ce.mssfix ?? { bytes: PROFILE_DEFAULTS.mssfixBytes, mode: 'default' },
    peerInfo: draft.peerInfo,
    problems: [],
    problemCounts: { error: 0, warning: 0, info: 0 },
  };
  const proxy = usableProxy(draft.ce.httpProxy, report);
  if (proxy !== undefined) profile.proxy = proxy;
  const socks = usableSocksProxy(draft.ce, report);
  if (socks !== undefined) profile.socksProxy = socks;
  if (draft.ce.explicitExitNotify !== undefined) profile.explicitExitNotify = draft.ce.explicitExitNotify;
  checkCredentials(draft, report);
  profile.problems = problems.sorted();
  profile.problemCounts = problems.counts();
  return profile;
}

function checkRole(draft: ProfileDraft, report: Report): void {
  if (draft.client || (draft.pull && draft.tlsClient)) return;
  report('config.missing_client', 'error', 'The profile does not say it is a client (no "client" line, nor "pull" with "tls-client").', WHOLE_PROFILE,
    'client', 'Add a line: client');
}

// dev tun|tunN|tap|tapN, or any name with dev-type (ovpn:tun.c dev_type_enum). No dev line: tun.
function checkDevice(draft: ProfileDraft, report: Report): DeviceType {
  const type = draft.devType?.type ?? (draft.dev?.name.startsWith('tun') ? 'tun' : draft.dev?.name.startsWith('tap') ? 'tap' : draft.dev?.name === 'null' ? 'null' : undefined);
  const at = draft.devType ?? draft.dev;
  if (draft.dev === undefined || at === undefined || type === 'tun') return 'tun';
  if (type === 'tap') {
    // What TAP mode leaves out, said once on import: Postern runs no DHCP client on the device.
    report('config.tap_limits', 'info', 'dev tap: Postern carries Ethernet frames over a TAP device and lets the kernel do ARP, '
      + 'but it runs no DHCP client on the device: the server must push the address (ifconfig), as "server" and '
      + '"server-bridge GATEWAY NETMASK POOL-START POOL-END" do. Against a server that leaves addressing to DHCP '
      + '(a bare server-bridge, route-gateway dhcp) the connection ends with control.tap_no_ifconfig.', at, 'dev');
    return 'tap';
  }
  if (type === 'null') {
    report('config.unsupported_value', 'error', 'dev null creates no tunnel device, so nothing would be routed.', at, 'dev', 'Write dev tun.');
  } else {
    report('config.bad_value', 'error', `dev ${draft.dev.name}: the device type cannot be told from its name.`, at, 'dev', 'Write dev tun (or dev tap), or add dev-type tun.');
  }
  return 'tun';
}

function buildRemotes(draft: ProfileDraft, report: Report): Remote[] {
  if (draft.blocks.length > 0) {
    for (const line of draft.remoteLines) {
      report('config.remote_ignored_with_connections', 'warning', 'This remote is ignored because the profile has <connection> blocks (OpenVPN does the same).',
        { line: line.line, column: 1 }, 'remote', 'Move it into a <connection> block of its own.');
    }
    return draft.blocks.flatMap((block, index) =>
      block.conn.remote === undefined ? [] : [toRemote(draft, block.conn, block.conn.remote, index + 1, report)]);
  }
  if (draft.remoteLines.length === 0) {
    report('config.no_remote', 'error', 'The profile names no server: there is no remote line.', WHOLE_PROFILE, 'remote',
      'Add a line like: remote vpn.example.com 1194 udp');
  }
  return draft.remoteLines.map((remote) => toRemote(draft, draft.ce, remote, undefined, report));
}

function toRemote(draft: ProfileDraft, conn: ConnectionDraft, remote: RemoteDraft, block: number | undefined, report: Report): Remote {
  const proto = remote.proto ?? conn.proto ?? { proto: PROFILE_DEFAULTS.proto, family: 'any' as const };
  const result: Remote = {
    host: remote.host,
    port: remote.port ?? conn.port ?? PROFILE_DEFAULTS.port,
    proto: proto.proto,
    family: proto.family,
    connectRetrySeconds: conn.connectRetrySeconds ?? PROFILE_DEFAULTS.connectRetrySeconds,
    connectRetryMaxSeconds: conn.connectRetryMaxSeconds ?? PROFILE_DEFAULTS.connectRetryMaxSeconds,
    serverPollTimeoutSeconds: conn.serverPollTimeoutSeconds ?? PROFILE_DEFAULTS.serverPollTimeoutSeconds,
    tunMtuBytes: conn.tunMtuBytes ?? PROFILE_DEFAULTS.tunMtuBytes,
    mssfix: conn.mssfix ?? { bytes: PROFILE_DEFAULTS.mssfixBytes, mode: 'default' },
    line: remote.line,
  };
  if (block !== undefined) result.connectionBlock = block;
  // 2.x drops explicit-exit-notify for TCP (options_postprocess_mutate_ce).
  if (conn.explicitExitNotify !== undefined && proto.proto === 'udp') result.explicitExitNotify = conn.explicitExitNotify;
  // Outside blocks conn is the profile's own settings, whose proxy finalizeProfile reports on.
  const proxy = usableProxy(conn.httpProxy, block === undefined ? () => undefined : report);
  if (proxy !== undefined) {
    result.httpProxy = proxy;
    if (proto.proto !== 'tcp') {
      report('config.unsupported_value', 'error', `The remote ${remote.host} uses UDP, but an HTTP proxy can only carry TCP.`, { line: remote.line, column: 1 },
        'remote', 'Add proto tcp (or give the remote the tcp protocol).');
    }
  }
  const socks = usableSocksProxy(conn, block === undefined ? () => undefined : report);
  if (socks !== undefined) result.socksProxy = socks;
  const wrap = block === undefined ? undefined : withDirection(conn.wrap, conn.keyDirection ?? draft.tls.keyDirection);
  if (wrap !== undefined) result.tlsWrapOverride = wrap;
  return result;
}

/** A tls-auth key without its own direction takes key-direction's (ovpn:options.c). */
function withDirection(wrap: TlsWrap | undefined, keyDirection: 0 | 1 | undefined): TlsWrap | undefined {
  if (wrap?.kind !== 'tls-auth' || wrap.direction !== undefined || keyDirection === undefined) return wrap;
  return { ...wrap, direction: keyDirection };
}

/** http-proxy-option or http-proxy-user-pass without an http-proxy line leave a proxy with no address. */
function usableProxy(proxy: HttpProxy | undefined, report: Report): HttpProxy | undefined {
  if (proxy === undefined) return undefined;
  if (proxy.host !== '') return proxy;
  report('config.bad_arguments', 'error', 'Proxy options are given, but no http-proxy line says which proxy to use.', WHOLE_PROFILE,
    'http-proxy', 'Add a line: http-proxy HOST PORT');
  return undefined;
}

/**
 * A socks-proxy ready for the client: not with http-proxy (2.x refuses the pair,
 * options_postprocess_verify_ce), and not credentials alone without a socks-proxy line.
 */
function usableSocksProxy(conn: ConnectionDraft, report: Report): SocksProxy | undefined {
  const draft = conn.socksProxy;
  if (draft === undefined) return undefined;
  const at = { line: draft.line, column: 1 };
  if (draft.host === '') {
    report('config.bad_arguments', 'error', 'SOCKS proxy credentials are given, but no socks-proxy line says which proxy to use.', at,
      'socks-proxy', 'Add a line: socks-proxy HOST PORT');
    return undefined;
  }
  if (conn.httpProxy !== undefined) {
    report('config.unsupported_value', 'error', 'socks-proxy and http-proxy cannot both be used: a connection goes through one proxy.', at,
      'socks-proxy', 'Keep one of the two proxy lines.');
    return undefined;
  }
  const { line: _line, ...proxy } = draft;
  return proxy;
}

function checkCredentials(draft: ProfileDraft, report: Report): void {
  const tls = draft.tls;
  const present = (...names: string[]): boolean => names.some((name) => draft.present.has(name));
  // A PKCS#12 bundle usually carries the CA too (2.x uses it when --ca is absent).
  if (tls.ca === undefined && tls.pkcs12 === undefined && tls.peerFingerprints.length === 0 && !present('ca', 'pkcs12', 'peer-fingerprint')) {
    report('config.missing_ca', 'error', 'The profile has no CA certificate (ca) or peer-fingerprint, so the server cannot be checked.', WHOLE_PROFILE,
      'ca', 'Add the server\'s CA certificate as <ca>…</ca>.');
  }
  const hasCert = tls.cert !== undefined;
  const hasKey = tls.key !== undefined;
  const missing = hasCert && !present('key') ? 'key' : hasKey && !present('cert') ? 'cert' : undefined;
  if (tls.pkcs12 === undefined && !present('pkcs12') && missing !== undefined) {
    report('config.incomplete_client_cert', 'error', missing === 'key' ? 'The profile has a client certificate (cert) but no private key (key).'
      : 'The profile has a private key (key) but no client certificate (cert).', WHOLE_PROFILE, missing,
    'Add the missing part, or remove both to log in with a username and password only.');
  }
  if (!hasCert && !hasKey && tls.pkcs12 === undefined && !draft.auth.userPass && !present('cert', 'key', 'pkcs12')) {
    report('config.missing_client_auth', 'error', 'The profile has neither a client certificate nor auth-user-pass, so there is no way to log in.', WHOLE_PROFILE,
      undefined, 'Add cert and key (or pkcs12), or a line: auth-user-pass');
  }
}
