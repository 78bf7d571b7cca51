import { policy } from '../directive-spec';
import type { DirectiveSpec, PolicySpec } from '../directive-spec';
import type { ProblemCode, Severity } from '../problems';

/**
 * Directives that have no effect in Postern, each with the reason shown to the
 * user. Info: harmless, the user need not act. Warning: the profile author
 * expected some behaviour that Postern does not give (or gives differently).
 */

function ignored(name: string, severity: Severity, reason: string, extra: { hint?: string; connection?: boolean; code?: ProblemCode } = {}): PolicySpec {
  const { code = 'config.directive_ignored', ...rest } = extra;
  return policy('ignored', 'ignored', name, severity, code, reason, rest);
}

function removed(name: string, severity: Severity, reason: string, connection = false): PolicySpec {
  return ignored(name, severity, reason, { code: 'config.removed_directive', connection });
}

function windowsOnly(name: string, reason = 'a Windows-only setting; it does nothing on this system.'): PolicySpec {
  return ignored(name, 'info', reason, { code: 'config.windows_only_ignored' });
}

const SERVER_PUSHES = 'the server pushes the tunnel addressing; a value in the profile is not used.';

export const IGNORED_DIRECTIVES: readonly DirectiveSpec[] = [
  // Logging and process behaviour that Postern manages itself.
  ignored('verb', 'info', 'Postern keeps its own log levels.'),
  ignored('mute', 'info', 'Postern keeps its own log levels.'),
  ignored('mute-replay-warnings', 'info', 'Postern counts replayed packets instead of logging each one.'),
  ignored('suppress-timestamps', 'info', 'Postern formats its own log.'),
  ignored('machine-readable-output', 'info', 'Postern formats its own log.'),
  ignored('errors-to-stderr', 'info', 'Postern formats its own log.'),
  ignored('echo', 'info', 'echo passes text to a management interface, which Postern does not have.'),
  ignored('parameter', 'info', 'parameter passes text to a management interface, which Postern does not have.'),
  ignored('user', 'info', 'Postern\'s helper manages its own privileges.'),
  ignored('group', 'info', 'Postern\'s helper manages its own privileges.'),
  ignored('nice', 'info', 'Postern does not change its scheduling priority.'),
  ignored('mlock', 'info', 'Postern does not lock its memory.'),
  ignored('persist-tun', 'info', 'Postern always keeps the tunnel device across reconnects.'),
  ignored('persist-key', 'info', 'Postern always keeps keys in memory across reconnects.'),
  ignored('persist-local-ip', 'info', 'Postern resolves addresses again on each reconnect.'),
  ignored('persist-remote-ip', 'info', 'Postern resolves addresses again on each reconnect.'),
  ignored('resolv-retry', 'info', 'Postern retries name resolution until the connection is cancelled.'),
  ignored('preresolve', 'info', 'Postern resolves each remote when it tries it.'),
  ignored('ip-remote-hint', 'info', 'Postern resolves each remote when it tries it.'),
  ignored('remap-usr1', 'info', 'Postern does not use signals to control connections.'),
  ignored('single-session', 'info', 'Postern already allows one session per connection.'),
  ignored('tls-exit', 'info', 'Postern reports TLS failures and retries per its own policy.'),
  ignored('ping-timer-rem', 'info', 'Postern always runs the ping-restart timer.'),
  ignored('disable-occ', 'info', 'Postern does not send option-consistency messages.'),
  ignored('disable-dco', 'info', 'Postern has no kernel data-channel offload to disable.'),
  ignored('up-delay', 'info', 'Postern opens the tunnel device when the connection is up.'),
  ignored('keying-material-exporter', 'info', 'it exports keys to scripts, and Postern never runs scripts.'),
  // Sockets: the system picks the local side.
  ignored('nobind', 'info', 'Postern never binds a fixed local port.', { connection: true }),
  ignored('float', 'info', 'Postern accepts packets only from the server it connected to.', { connection: true }),
  ignored('bind', 'info', 'Postern lets the system choose the local address and port.', { connection: true }),
  ignored('lport', 'warning', 'Postern lets the system choose the local port.', { connection: true }),
  ignored('local', 'warning', 'Postern lets the system choose the local address.', { connection: true }),
  ignored('sndbuf', 'info', 'Postern uses the system\'s socket buffer sizes.'),
  ignored('rcvbuf', 'info', 'Postern uses the system\'s socket buffer sizes.'),
  ignored('socket-flags', 'info', 'Postern sets its own socket options.'),
  ignored('tcp-nodelay', 'info', 'Postern sets its own socket options.'),
  ignored('mark', 'warning', 'Postern does not mark its packets for policy routing.'),
  ignored('bind-dev', 'warning', 'Postern does not bind its socket to a device (VRF).'),
  ignored('passtos', 'info', 'Postern does not copy the TOS field.'),
  ignored('txqueuelen', 'info', 'Postern uses the system\'s queue length for the tunnel device.'),
  ignored('proto-force', 'warning', 'Postern tries every remote of the profile whatever its protocol.'),
  // MTU knobs that Postern derives from tun-mtu.
  ignored('link-mtu', 'warning', 'Postern derives the packet size from tun-mtu.', { hint: 'Use tun-mtu instead.', connection: true }),
  ignored('udp-mtu', 'warning', 'Postern derives the packet size from tun-mtu.', { hint: 'Use tun-mtu instead.', connection: true }),
  ignored('tun-mtu-extra', 'info', 'Postern reserves 2.x\'s default of 32 bytes for a TAP device\'s Ethernet header, whatever this says.', { connection: true }),
  ignored('mtu-disc', 'info', 'Postern leaves path-MTU discovery to the system.', { connection: true }),
  ignored('mtu-test', 'info', 'Postern does not run MTU tests.'),
  // Tunnel setup that Postern does itself.
  ignored('route-noexec', 'warning', 'Postern always sets the routes itself; it never hands them to a script.'),
  ignored('ifconfig-noexec', 'warning', 'Postern always configures the tunnel device itself; it never hands that to a script.'),
  ignored('ifconfig-nowarn', 'info', 'Postern does not check ifconfig against the server\'s options.'),
  ignored('route-delay', 'info', 'Postern adds routes as soon as the tunnel is up.'),
  ignored('route-table', 'warning', 'Postern adds routes to the main routing table.'),
  ignored('allow-pull-fqdn', 'info', 'Postern accepts host names in pushed routes.'),
  ignored('allow-recursive-routing', 'info', 'Postern always keeps the route to the server outside the tunnel.'),
  ignored('lladdr', 'info', 'it sets a TAP device\'s MAC address; Postern lets the kernel choose one.'),
  ignored('ifconfig', 'warning', SERVER_PUSHES),
  ignored('ifconfig-ipv6', 'warning', SERVER_PUSHES),
  ignored('route-gateway', 'warning', SERVER_PUSHES),
  ignored('topology', 'warning', SERVER_PUSHES),
  // Removed from OpenVPN over the years (ovpn-doc:man-sections/unsupported-options.rst).
  removed('key-method', 'info', 'removed in OpenVPN 2.5; key method 2 is always used.'),
  removed('keysize', 'info', 'removed in OpenVPN 2.6; the cipher name fixes the key size.'),
  removed('ncp-disable', 'warning', 'removed in OpenVPN 2.6; Postern always negotiates the data cipher.'),
  removed('tun-ipv6', 'info', 'no longer needed: IPv6 works in the tunnel without it.'),
  removed('max-routes', 'info', 'removed in OpenVPN 2.4; there is no route limit.'),
  removed('http-proxy-retry', 'info', 'removed in OpenVPN 2.4; retries follow connect-retry.', true),
  removed('http-proxy-timeout', 'info', 'removed in OpenVPN 2.4; use connect-timeout.', true),
  removed('socks-proxy-retry', 'info', 'removed in OpenVPN 2.4; retries follow connect-retry.', true),
  removed('prng', 'info', 'removed in OpenVPN 2.6; the TLS library\'s random generator is used.'),
  removed('opt-verify', 'info', 'removed in OpenVPN 2.7.'),
  removed('fast-io', 'info', 'ignored since OpenVPN 2.7.'),
  removed('use-prediction-resistance', 'info', 'removed in OpenVPN 2.8.'),
  removed('compat-names', 'info', 'removed in OpenVPN 2.5.'),
  removed('no-name-remapping', 'info', 'removed in OpenVPN 2.5.'),
  ignored('comp-noadapt', 'info', 'Postern never compresses, so there is nothing to adapt.'),
  ignored('compat-mode', 'info', 'Postern speaks the current protocol and adapts to what the server pushes.'),
  // Windows (and the odd macOS) settings.
  windowsOnly('block-outside-dns'),
  windowsOnly('register-dns'),
  windowsOnly('ip-win32'),
  windowsOnly('route-method'),
  windowsOnly('dhcp-renew'),
  windowsOnly('dhcp-release'),
  windowsOnly('dhcp-pre-release'),
  windowsOnly('tap-sleep'),
  windowsOnly('show-net-up'),
  windowsOnly('win-sys'),
  windowsOnly('allow-nonadmin'),
  windowsOnly('service'),
  windowsOnly('windows-driver', 'a Windows driver choice (removed in OpenVPN 2.7); it does nothing here.'),
  windowsOnly('dev-node', 'names a device node for Windows or macOS; Postern creates its own TUN device.'),
];
