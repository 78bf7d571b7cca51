/**
 * Every error code the window can meet, in plain words with the next step. The one place
 * the renderer turns codes into text. A code not listed falls back to its family
 * (`auth.failed_crv1` → `auth.failed`, then `auth.*`), and anything unknown shows the
 * message main or the helper sent.
 */
const HELPER_START = 'Start it as root (sudo postern helper, or the postern-helper service) and Postern picks it up by itself.';

const ERROR_TEXT: Record<string, string> = {
  'profile.invalid': 'This profile cannot be used as it is. The problem is on the line shown; fix the file and import it again.',
  'profile.too_large': 'That file is too large to be a VPN profile (the limit is 512 KB). Choose the .ovpn file your provider gave you.',
  'profile.unreadable': 'That file could not be read. Choose the .ovpn file your provider gave you.',
  'profile.unusable': 'This profile names no server to connect to. Ask your VPN provider for a complete profile.',
  'profile.credentials_unreadable': 'The password file this profile names could not be read. Check that it exists, or take its name off the auth-user-pass line to be asked instead.',
  'profile': 'This profile cannot be used as it is. Import it again to see what is wrong.',
  'config': 'This profile cannot be used as it is. Import it again to see the line to fix.',
  'profiles.duplicate_name': 'You already have a profile with that name. Pick another name.',
  'profiles.bad_name': 'That name cannot be used. Pick a name of 1 to 200 characters.',
  'profiles.not_found': 'That profile was removed meanwhile. Import it again to use it.',
  'tunnel.already_running': 'A VPN connection is already running. Disconnect it first.',
  'tunnel.not_running': 'No VPN connection is running.',
  'tunnel.tun_failed': 'The helper could not create the network device. Restart the helper as root; if it keeps failing, check that /dev/net/tun exists.',
  'tunnel.netconfig_failed': 'The helper could not set up addresses, routes or DNS. Disconnect, then connect again; the log has the failing step.',
  'tunnel': 'The helper could not run the connection. Try again; the log has details.',
  'auth.failed': 'The server refused your sign-in. Check your username and password (or code) and connect again.',
  'auth.failed_plain': 'The server refused your sign-in. Check your username and password and connect again.',
  'auth.failed_session': 'The server ended your signed-in session. Connect again and sign in.',
  'auth.pending_timeout': 'The sign-in was not finished in time. Connect again and complete it sooner.',
  'auth.cancelled': 'Sign-in was cancelled. Connect again when you are ready.',
  'auth.no_prompt': 'That question was already answered or has expired.',
  'auth.bad_answer': 'Please fill in every field the server asks for.',
  'auth.unsafe_url': 'The server sent a sign-in address that is not a web page, so Postern will not open it. Ask your VPN provider.',
  'auth.credentials_too_long': 'The username or password is too long for OpenVPN. Check what you typed.',
  'connect.retries_exhausted': 'The server could not be reached after several tries. Check your internet connection, or ask your VPN provider whether the server is up.',
  'connect.resolve_failed': 'The server name could not be found. Check your internet connection and DNS.',
  'connect.link_failed': 'The server could not be reached. Check your internet connection.',
  'connect.server_poll_timeout': 'The server did not answer. It may be down, or a firewall may block the VPN port.',
  'connect': 'The connection could not be made. Check your internet connection and try again.',
  'tls.certificate_untrusted': 'The server\'s certificate is not the one this profile expects. Do not connect; ask your VPN provider for a current profile.',
  'tls.certificate_expired': 'A certificate has expired (the server\'s or yours). Ask your VPN provider for a current profile.',
  'tls.certificate_revoked': 'The server\'s certificate was revoked. Do not connect; ask your VPN provider.',
  'tls.verify_x509_name': 'The server\'s name does not match the profile. Do not connect; ask your VPN provider for a current profile.',
  'tls.pkcs12_password': 'The key file\'s password is wrong. Connect again and check it.',
  'tls.pkcs12_invalid': 'The key file (PKCS#12) in this profile cannot be read. Ask your VPN provider for a current profile.',
  'tls.peer_fingerprint': 'The server\'s certificate does not match the fingerprint in the profile. Do not connect; ask your VPN provider.',
  'tls.remote_cert_tls': 'The server\'s certificate is not marked for use by a VPN server. Do not connect; ask your VPN provider.',
  'tls.no_peer_certificate': 'The server did not show a certificate. Do not connect; ask your VPN provider.',
  'tls.client_credentials': 'Your certificate or key in this profile cannot be used. Ask your VPN provider for a current profile.',
  'tls': 'The secure connection to the server failed. Ask your VPN provider for a current profile.',
  'session.ping_restart': 'The server stopped answering; Postern is reconnecting.',
  'session.handshake_timeout': 'The server did not finish the secure handshake in time. Check your internet connection and try again.',
  'session.connected_then_lost': 'The connection was lost. Check your internet connection and connect again.',
  'server.halt': 'The server ended the connection and asked not to reconnect. Ask your VPN provider.',
  'server.restart': 'The server restarted the connection; Postern is reconnecting.',
  'server.exit': 'The server is shutting down or restarting; Postern is reconnecting.',
  'link.closed': 'The connection to the server closed. Check your internet connection; Postern tries again by itself.',
  'control': 'The server sent something Postern could not use. Connect again; if it keeps happening, send the log to your VPN provider.',
  'data': 'Packets from the server could not be read. Connect again; if it keeps happening, send the log to your VPN provider.',
  'tun': 'The helper could not set up the network device. Restart the helper as root and try again.',
  'tun.addon_not_built': 'The helper\'s network module is not built. Run npm install in the Postern folder, then restart the helper.',
  'tun.open_failed': 'The helper could not create the network device. Check that /dev/net/tun exists and that the helper runs as root.',
  'tun.unsupported_platform': 'Postern cannot create a network device on this operating system yet.',
  'netconfig': 'The helper could not set up addresses, routes or DNS. Disconnect, then connect again; the log has the failing step.',
  'network': 'The network changed or went away. Check your internet connection and connect again.',
  'ipc.helper_unavailable': `The Postern helper is not running. ${HELPER_START}`,
  'ipc.closed': `The Postern helper stopped. ${HELPER_START}`,
  'ipc.timeout': 'The Postern helper did not answer in time. Try again; if it persists, restart the helper.',
  'ipc.untrusted_socket': 'The helper socket is not owned by root, so Postern will not trust it. Stop whatever made it and start the helper as root.',
  'ipc.version_mismatch': 'The running helper is from another Postern version. Restart the helper so both match.',
  'ipc.forbidden': 'That connection belongs to another user of this computer.',
  'ipc.too_many_clients': 'Too many programs are talking to the helper. Close other Postern windows and try again.',
  'ipc': 'Talking to the Postern helper failed. Restart the helper and try again.',
  'app.unreachable': 'The Postern app is not answering. Restart it.',
  'app.bad_result': 'The Postern app sent an answer this window does not understand. Restart Postern.',
  'app.link_lost': 'This window lost its connection to the Postern app. It reconnects by itself; if this message stays, restart Postern.',
  'app.bad_request': 'This window sent something the app refused. Restart Postern.',
  'app.forbidden': 'This window is not allowed to control Postern. Restart Postern.',
  'app': 'The Postern app could not do that. Restart Postern and try again.',
  'bridge.forbidden': 'This page is not allowed to control Postern (its token is wrong or old). Open the address Postern printed when it started.',
  'bridge': 'This page could not talk to Postern. Reload it, or open the address Postern printed when it started.',
  'internal': 'Something went wrong inside the helper. Try again; the log has details.',
};

export function errorText(code: string, message: string): string {
  for (let key = code; key !== ''; key = parentCode(key)) {
    const text = ERROR_TEXT[key];
    if (text !== undefined) return text;
  }
  return message;
}

/** `auth.failed_crv1` → `auth.failed` → `auth` → ''. */
function parentCode(code: string): string {
  const underscore = code.lastIndexOf('_');
  const dot = code.lastIndexOf('.');
  if (underscore > dot) return code.slice(0, underscore);
  return dot > 0 ? code.slice(0, dot) : '';
}
