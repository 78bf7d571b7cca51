import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_ERROR_CODES, ERROR_CODES } from '../../electron/api/index';
import { errorText } from './error-text';

test('known codes get plain words with the next step', () => {
  assert.match(errorText('ipc.helper_unavailable', 'x'), /helper is not running.*Start it as root/);
  assert.match(errorText('profile.invalid', 'x'), /line shown/);
  assert.match(errorText('tunnel.already_running', 'x'), /Disconnect it first/);
  assert.match(errorText('auth.pending_timeout', 'x'), /not finished in time/);
  assert.match(errorText('auth.cancelled', 'x'), /cancelled/);
  assert.match(errorText('ipc.untrusted_socket', 'x'), /not owned by root/);
  assert.match(errorText('profiles.duplicate_name', 'x'), /another name/);
});

test('unknown members fall back to their family, then to the message sent', () => {
  assert.equal(errorText('auth.failed_something_new', 'x'), errorText('auth.whatever', 'y'));
  assert.match(errorText('connect.something_new', 'x'), /connection could not be made/);
  assert.match(errorText('tun.device_failed', 'x'), /network device/);
  assert.match(errorText('network.changed', 'x'), /network changed/);
  assert.match(errorText('netconfig.something_new', 'x'), /routes or DNS/);
  assert.equal(errorText('something.new', 'The server said no.'), 'The server said no.');
  assert.equal(errorText('', 'plain'), 'plain');
});

test('every code the tree raises today reads as words, not as the raw message', () => {
  // From a grep of core/, native-helper/ and electron/ (codes that can reach the window).
  const codes = [
    'profile.invalid', 'profile.unusable', 'profile.credentials_unreadable', 'profiles.bad_name', 'profiles.not_found',
    'tunnel.not_running', 'tunnel.tun_failed', 'tunnel.netconfig_failed',
    'auth.failed', 'auth.failed_crv1', 'auth.failed_plain', 'auth.failed_session', 'auth.no_prompt', 'auth.bad_answer', 'auth.unsafe_url', 'auth.credentials_too_long',
    'connect.link_failed', 'connect.resolve_failed', 'connect.retries_exhausted', 'connect.server_poll_timeout',
    'tls.certificate_expired', 'tls.certificate_revoked', 'tls.certificate_untrusted', 'tls.client_credentials', 'tls.handshake_failed',
    'tls.no_peer_certificate', 'tls.peer_fingerprint', 'tls.pkcs12_invalid', 'tls.pkcs12_password', 'tls.remote_cert_tls', 'tls.verify_x509_name',
    'session.connected_then_lost', 'session.handshake_timeout', 'session.ping_restart', 'server.exit', 'server.halt', 'server.restart', 'link.closed',
    'control.push_too_large', 'data.decrypt_failed', 'config.no_remote',
    'tun.addon_not_built', 'tun.configure_failed', 'tun.device_failed', 'tun.open_failed', 'tun.unsupported_platform',
    'netconfig.dns_failed', 'netconfig.gateway_unknown', 'netconfig.journal_failed', 'netconfig.step_failed',
    'ipc.bad_frame', 'ipc.bad_response', 'ipc.closed', 'ipc.forbidden', 'ipc.timeout', 'ipc.too_many_clients', 'ipc.version_mismatch',
    'app.bad_request', 'app.forbidden', 'app.unknown_method', 'bridge.bad_json', 'bridge.forbidden', 'bridge.wrong_host', 'internal',
  ];
  const raw = codes.filter((code) => errorText(code, '\u0000raw') === '\u0000raw');
  assert.deepEqual(raw, []);
});

test('every code the helper and the app can send has words of its own', () => {
  for (const code of [...ERROR_CODES, ...APP_ERROR_CODES]) {
    const text = errorText(code, '\u0000raw');
    assert.notEqual(text, '\u0000raw', code);
    assert.ok(text.length > 10, code);
  }
});

test('an error whose data names the server\'s cipher says which line to change', () => {
  const data = { kind: 'cipher' as const, serverCipher: 'BF-CBC', dataCiphers: ['AES-256-GCM', 'AES-128-GCM'] };
  assert.equal(errorText('ncp.no_cipher', 'x', data),
    'The server uses BF-CBC, which this profile does not allow. To connect anyway, add it to data-ciphers in the profile (data-ciphers AES-256-GCM:AES-128-GCM:BF-CBC) and the line providers legacy default. '
    + 'Better still, ask the server\'s administrator to move the server to AES-256-GCM.');
  assert.match(errorText('ncp.cipher_not_allowed', 'x', { ...data, serverCipher: 'AES-256-CBC' }), /^The server uses AES-256-CBC, which this profile does not allow\. To connect anyway, add it to data-ciphers in the profile \(data-ciphers AES-256-GCM:AES-128-GCM:AES-256-CBC\)\. Better/);
  assert.match(errorText('ncp.no_cipher', 'x', { kind: 'cipher', dataCiphers: ['AES-256-GCM'] }), /does not say which encryption it uses.*data-ciphers-fallback/);
  assert.match(errorText('data.legacy_provider_unavailable', 'x', { kind: 'legacy_cipher', cipher: 'CAST5-CBC' }), /CAST5-CBC.*providers legacy default/);
  assert.match(errorText('data.provider_load_failed', 'x', { kind: 'provider', provider: 'legacy' }), /provider "legacy"/);
  // Without data (an older helper), the code's own words.
  assert.match(errorText('ncp.no_cipher', 'x'), /share no encryption/);
  assert.match(errorText('data.legacy_provider_unavailable', 'x'), /providers legacy default/);
});
