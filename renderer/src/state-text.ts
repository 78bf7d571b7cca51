/** Each tunnel state in words, for the phase line, the profile list and announcements. */
const STATE_TEXT: Record<string, string> = {
  idle: 'Starting',
  resolving: 'Looking up the server',
  connecting: 'Reaching the server',
  tls_handshake: 'Checking the server',
  authenticating: 'Signing in',
  auth_pending: 'Waiting for sign-in to finish',
  pulling_config: 'Getting network settings',
  configuring: 'Setting up the tunnel',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  disconnecting: 'Disconnecting',
  disconnected: 'Disconnected',
};

export function stateText(state: string): string {
  return STATE_TEXT[state] ?? state;
}
