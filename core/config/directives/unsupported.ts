import { policy } from '../directive-spec';
import type { DirectiveSpec, PolicySpec } from '../directive-spec';
import type { ProblemCode, Severity } from '../problems';

/**
 * Features Postern lacks, server-side directives, options only a server may
 * push, and the removed ones whose loss weakens the tunnel.
 *
 * Server and push-only directives (protocol.md §15): OpenVPN Connect refuses the
 * whole profile. We refuse those that define a server or that only a server may
 * decide (peer-id, auth-token, protocol-flags, key-derivation…), and warn about
 * server tuning knobs that clients sometimes carry by copy-and-paste, which cannot
 * change what a client does. ifconfig, ifconfig-ipv6, route-gateway and topology
 * are in ignored.ts: a pushed value replaces them anyway.
 */

function unsupported(name: string, code: ProblemCode, severity: Severity, reason: string, extra: { hint?: string; connection?: boolean } = {}): PolicySpec {
  return policy('unsupported', 'unsupported', name, severity, code, reason, extra);
}

function feature(name: string, reason: string, hint?: string, connection = false): PolicySpec {
  return unsupported(name, 'config.unsupported_directive', 'error', reason, hint === undefined ? { connection } : { hint, connection });
}

const SERVER = 'a server setting, so this is not a client profile.';
const SERVER_HINT = 'Import the client profile (.ovpn) your server administrator gave you.';
const KNOB = 'a server setting; it changes nothing on a client.';

function server(name: string): PolicySpec {
  return unsupported(name, 'config.server_directive', 'error', SERVER, { hint: SERVER_HINT });
}

function knob(name: string): PolicySpec {
  return unsupported(name, 'config.server_directive', 'warning', KNOB, { hint: 'Remove the line.' });
}

function pushOnly(name: string): PolicySpec {
  return unsupported(name, 'config.push_only_directive', 'error', 'only the server may send this setting, during connection; it cannot come from a profile.', { hint: 'Remove the line.' });
}

function standalone(name: string): PolicySpec {
  return unsupported(name, 'config.unsupported_directive', 'error', 'a one-off command of the openvpn program, not a connection setting.', { hint: 'Remove the line.' });
}

const PKCS11 = 'Postern cannot use keys on smart cards or tokens (PKCS#11).';
const PKCS11_HINT = 'Export a certificate and key (or a .p12) for this device.';

export const UNSUPPORTED_DIRECTIVES: readonly DirectiveSpec[] = [
  feature('secret', 'Static-key mode (no TLS) is insecure and was removed from OpenVPN 2.7; Postern only speaks TLS mode.', 'Ask for a TLS profile (ca, cert, key) instead.'),
  feature('fragment', 'Postern cannot fragment packets itself; the server would expect it to.', 'Remove fragment on both sides and use mssfix, or ask the administrator.', true),
  feature('capath', 'A folder of CA files is not supported.', 'Paste the CA certificates into the profile as <ca>…</ca>.'),
  feature('cryptoapicert', 'Certificates from the Windows certificate store are not available here.', 'Export the certificate and key as a .p12 file.'),
  feature('pkcs11-id', PKCS11, PKCS11_HINT),
  feature('pkcs11-id-management', PKCS11, PKCS11_HINT),
  feature('pkcs11-pin-cache', PKCS11, PKCS11_HINT),
  feature('pkcs11-private-mode', PKCS11, PKCS11_HINT),
  feature('pkcs11-protected-authentication', PKCS11, PKCS11_HINT),
  feature('pkcs11-cert-private', PKCS11, PKCS11_HINT),
  feature('verify-hash', 'Postern cannot check certificate hashes this way; skipping it would weaken the server check.', 'Use peer-fingerprint with the SHA-256 fingerprint.'),
  feature('client-nat', 'Address translation inside the tunnel is not supported.'),
  feature('shaper', 'Bandwidth shaping is not supported.'),
  feature('http-proxy-override', 'It only works through a management interface.'),
  unsupported('tls-remote', 'config.removed_directive', 'error', 'removed in OpenVPN 2.4; without it the server name would not be checked.', { hint: 'Use verify-x509-name with the server\'s name.' }),
  unsupported('no-replay', 'config.removed_directive', 'error', 'removed in OpenVPN 2.7: turning off replay protection breaks the tunnel\'s security.', { hint: 'Remove the line.' }),
  unsupported('no-iv', 'config.removed_directive', 'error', 'removed in OpenVPN 2.5: it weakened encryption.', { hint: 'Remove the line.' }),
  unsupported('mtu-dynamic', 'config.removed_directive', 'error', 'removed long ago; it controlled fragmentation, which Postern does not do.', { hint: 'Remove the line.' }),
  server('server'),
  server('server-ipv6'),
  server('server-bridge'),
  server('tls-server'),
  server('client-to-client'),
  server('duplicate-cn'),
  server('client-config-dir'),
  server('ccd-exclusive'),
  server('ifconfig-pool'),
  server('ifconfig-pool-persist'),
  server('ifconfig-pool-linear'),
  server('ifconfig-ipv6-pool'),
  server('ifconfig-push'),
  server('ifconfig-ipv6-push'),
  server('iroute'),
  server('iroute-ipv6'),
  server('push'),
  server('push-reset'),
  server('push-remove'),
  server('auth-user-pass-verify'),
  server('client-connect'),
  server('client-disconnect'),
  server('client-crresponse'),
  server('learn-address'),
  server('auth-gen-token'),
  server('auth-gen-token-secret'),
  server('port-share'),
  server('vlan-tagging'),
  server('vlan-accept'),
  server('vlan-pvid'),
  server('client-cert-not-required'),
  server('tls-crypt-v2-verify'),
  knob('dh'),
  knob('max-clients'),
  knob('max-routes-per-client'),
  knob('connect-freq'),
  knob('connect-freq-initial'),
  knob('verify-client-cert'),
  knob('username-as-common-name'),
  knob('auth-user-pass-optional'),
  knob('x509-username-field'),
  knob('x509-track'),
  knob('override-username'),
  knob('ifconfig-push-constraint'),
  knob('stale-routes-check'),
  knob('hash-size'),
  knob('bcast-buffers'),
  knob('tcp-queue-limit'),
  knob('multihome'),
  knob('tls-crypt-v2-max-age'),
  pushOnly('peer-id'),
  pushOnly('auth-token'),
  pushOnly('auth-token-user'),
  pushOnly('protocol-flags'),
  pushOnly('key-derivation'),
  pushOnly('push-continuation'),
  standalone('genkey'),
  standalone('mktun'),
  standalone('rmtun'),
  standalone('help'),
  standalone('version'),
  standalone('test-crypto'),
  standalone('show-ciphers'),
  standalone('show-digests'),
  standalone('show-tls'),
  standalone('show-engines'),
  standalone('show-groups'),
  standalone('show-curves'),
  standalone('show-net'),
  standalone('show-adapters'),
  standalone('show-valid-subnets'),
  standalone('show-gateway'),
  standalone('show-pkcs11-ids'),
];
