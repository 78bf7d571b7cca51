/**
 * Every error code the window can meet, in plain words with the next step. The one place
 * the renderer turns codes into text; anything unknown shows the helper's own message.
 */
const ERROR_TEXT: Record<string, string> = {
  'profile.invalid': 'This profile cannot be used as it is. The problem is on the line shown; fix it in the file and import it again.',
  'profiles.duplicate_name': 'You already have a profile with that name. Pick another name.',
  'profiles.empty_name': 'A profile needs a name.',
  'profiles.not_found': 'That profile was removed. Import it again to use it.',
  'tunnel.already_running': 'A VPN connection is already running. Disconnect it first.',
  'tunnel.not_running': 'No VPN connection is running.',
  'auth.failed': 'The server refused your sign-in. Check your username and password (or code) and connect again.',
  'auth.failed_plain': 'The server refused your sign-in. Check your username and password and connect again.',
  'auth.pending_timeout': 'The sign-in was not finished in time. Connect again and complete it sooner.',
  'auth.cancelled': 'Sign-in was cancelled. Connect again when you are ready.',
  'auth.no_prompt': 'That question has already been answered or has expired.',
  'auth.bad_answer': 'Please fill in every field the server asks for.',
  'connect.retries_exhausted': 'The server could not be reached after several tries. Check your internet connection, or ask your VPN provider whether the server is up.',
  'connect.resolve_failed': 'The server name could not be found. Check your internet connection or DNS.',
  'connect.link_failed': 'The server could not be reached. Check your internet connection.',
  'connect.server_poll_timeout': 'The server did not answer. It may be down, or a firewall may block the VPN port.',
  'tls.certificate_untrusted': 'The server\'s certificate is not the one this profile expects. Do not connect; ask your VPN provider for a current profile.',
  'tls.verify_x509_name': 'The server\'s name does not match the profile. Do not connect; ask your VPN provider for a current profile.',
  'server.halt': 'The server ended the connection and asked not to reconnect.',
  'ipc.helper_unavailable': 'The Postern helper is not running. Start it as root: sudo npx postern helper',
  'ipc.untrusted_socket': 'The helper socket is not owned by root, so Postern will not trust it. Restart the helper as root.',
  'ipc.forbidden': 'That connection belongs to another user.',
  'ipc.closed': 'The Postern helper stopped. Start it again: sudo npx postern helper',
  'app.unreachable': 'The Postern app is not answering. Restart it.',
};

export function errorText(code: string, message: string): string {
  const text = ERROR_TEXT[code] ?? ERROR_TEXT[code.replace(/_\w+$/, '')];
  return text ?? message;
}
