import type { ErrorCode, ErrorData, KillSwitchState, LeakCheckItem, RenegotiationCause, TunnelState } from '../../native-helper/api/index';

/**
 * The words people read for each state and each error code: the one table the window and
 * the tray share. Both are Records over closed unions (the helper's ErrorCode and
 * TunnelState, plus the app's own codes below), so a new code without words fails
 * `npm run typecheck`. core and the helper send codes; only this file turns them into words.
 */

/** Codes raised in the app itself (main, the bridge, the window), not by the helper. */
export const APP_ERROR_CODES = [
  'app.unreachable', 'app.bad_result', 'app.link_lost', 'app.bad_request', 'app.forbidden', 'app.unknown_method',
  'bridge.forbidden', 'bridge.bad_json', 'bridge.bad_request', 'bridge.method', 'bridge.not_found', 'bridge.wrong_host',
  'profile.too_large', 'profile.unreadable', 'profile.unusable', 'profile.credentials_unreadable',
  'profiles.duplicate_name', 'profiles.bad_name', 'profiles.not_found', 'profiles.files_not_confirmed', 'auth.unsafe_url',
  'diagnostics.unwritable',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export type WordedCode = ErrorCode | AppErrorCode;
export type { ErrorData };
export { ERROR_CODES } from '../../native-helper/api/index';

export const STATE_WORDS: Record<TunnelState, string> = {
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

const HELPER_START = 'Start it as root (sudo postern helper, or the postern-helper service) and Postern picks it up by itself.';
const GET_A_NEW_PROFILE = 'Ask your VPN provider for a current profile.';
const SEND_THE_LOG = 'Connect again; if it keeps happening, send the log to your VPN provider.';

export const ERROR_WORDS: Record<WordedCode, string> = {
  // The helper socket.
  'ipc.bad_frame': 'The Postern helper could not read a request. Restart Postern.',
  'ipc.frame_too_large': 'A request to the Postern helper was too large. Restart Postern.',
  'ipc.bad_request': 'The Postern helper refused a request it did not understand. Update Postern so the app and the helper match.',
  'ipc.unknown_method': 'The running helper does not know that request. Update Postern so the app and the helper match.',
  'ipc.hello_required': 'The Postern helper closed the connection. Postern reconnects by itself.',
  'ipc.version_mismatch': 'The helper and the app are from different Postern releases. Update the older one (the helper comes with the postern package), then restart the helper.',
  'ipc.forbidden': 'That connection belongs to another user of this computer.',
  'ipc.too_many_clients': 'Too many programs are talking to the helper. Close other Postern windows and try again.',
  'ipc.not_in_group': 'You may not use the Postern helper on this computer yet. Ask an administrator to add you to its group, then log out and in again.',
  'ipc.idle': 'The Postern helper closed an idle connection. Postern reconnects by itself.',
  'ipc.not_reading': 'The Postern helper disconnected this app because it stopped reading. Restart Postern.',
  'ipc.helper_unavailable': `The Postern helper is not running. ${HELPER_START}`,
  'ipc.untrusted_socket': 'The helper socket is not owned by root, so Postern will not trust it. Stop whatever made it and start the helper as root.',
  'ipc.closed': `The Postern helper stopped. ${HELPER_START}`,
  'ipc.timeout': 'The Postern helper did not answer in time. Try again; if it persists, restart the helper.',
  'ipc.bad_response': 'The Postern helper sent an answer this app does not understand. Update Postern so both match.',
  // The tunnel, as the helper runs it.
  'tunnel.already_running': 'A VPN connection is already running. Disconnect it first.',
  'tunnel.network_busy': 'Another Postern connection owns this computer\'s network (perhaps one started from a terminal). Disconnect it first.',
  'tunnel.not_running': 'No VPN connection is running.',
  'tunnel.tun_failed': 'The helper could not create the network device. Restart the helper as root; if it keeps failing, check that /dev/net/tun exists.',
  'tunnel.netconfig_failed': 'The helper could not set up addresses, routes or DNS. Disconnect, then connect again; the log has the failing step.',
  'netconfig.journal_failed': 'The helper could not write down how to undo its network changes, so it made none. Check that /run/postern is writable by root.',
  'netconfig.step_failed': 'The helper could not set up addresses or routes. Disconnect, then connect again; the log has the failing step.',
  'netconfig.dns_failed': 'The helper could not set up DNS for the VPN. Disconnect, then connect again; the log has details.',
  'netconfig.gateway_unknown': 'The helper could not find how this computer reaches the internet. Check your network connection and connect again.',
  'profile.invalid': 'This profile cannot be used as it is. The problem is on the line shown; fix the file and import it again.',
  'auth.no_prompt': 'That question was already answered or has expired.',
  'auth.bad_answer': 'Please fill in every field the server asks for.',
  'killswitch.failed': 'The kill switch could not be put in place (the log says why), and Postern does not connect without it. Turn the kill switch off to connect unprotected.',
  'killswitch.unavailable': 'This Postern helper has no kill switch. Update the helper to use it.',
  'helper.stopping': 'The Postern helper stopped, so the VPN went down. If the kill switch is on, traffic stays blocked until you connect again or disconnect.',
  internal: 'Something went wrong inside the helper. Try again; the log has details.',
  // Why a connection ended (core).
  'user.disconnect': 'Disconnected.',
  'server.exit': 'The server is shutting down or restarting; Postern is reconnecting.',
  'server.restart': 'The server restarted the connection; Postern is reconnecting.',
  'server.halt': 'The server ended the connection and asked not to reconnect. Ask your VPN provider.',
  'session.handshake_timeout': 'The server did not finish the secure handshake in time. Check your internet connection and try again.',
  'session.ping_restart': 'The server stopped answering; Postern is reconnecting.',
  'session.connected_then_lost': 'The connection was lost. Check your internet connection and connect again.',
  'auth.pending_timeout': 'The sign-in was not finished in time. Connect again and complete it sooner.',
  'auth.failed': 'The server refused your sign-in. Check your username and password (or code) and connect again.',
  'auth.failed_plain': 'The server refused your sign-in. Check your username and password and connect again.',
  'auth.failed_session': 'The server ended your signed-in session. Connect again and sign in.',
  'auth.failed_temp': 'The server cannot sign you in right now. Postern tries again shortly.',
  'auth.failed_crv1': 'The server asked a further question to sign you in. Connect again and answer it.',
  'auth.cancelled': 'Sign-in was cancelled. Connect again when you are ready.',
  'auth.credentials_too_long': 'The username or password is too long for OpenVPN. Check what you typed.',
  'tls.certificate_untrusted': 'The server\'s certificate is not the one this profile expects. Do not connect; ask your VPN provider for a current profile.',
  'tls.certificate_expired': `A certificate has expired (the server's or yours). ${GET_A_NEW_PROFILE}`,
  'tls.certificate_revoked': 'The server\'s certificate was revoked. Do not connect; ask your VPN provider.',
  'tls.remote_cert_tls': 'The server\'s certificate is not marked for use by a VPN server. Do not connect; ask your VPN provider.',
  'tls.verify_x509_name': 'The server\'s name does not match the profile. Do not connect; ask your VPN provider for a current profile.',
  'tls.peer_fingerprint': 'The server\'s certificate does not match the fingerprint in the profile. Do not connect; ask your VPN provider.',
  'tls.no_peer_certificate': 'The server did not show a certificate. Do not connect; ask your VPN provider.',
  'tls.client_credentials': `Your certificate or key in this profile cannot be used. ${GET_A_NEW_PROFILE}`,
  'tls.handshake_failed': `The secure connection to the server failed. ${GET_A_NEW_PROFILE}`,
  'keys.bad_key_method': `The server answered the key exchange in a way Postern cannot read. ${SEND_THE_LOG}`,
  'keys.options_too_long': `The server answered the key exchange in a way Postern cannot read. ${SEND_THE_LOG}`,
  'keys.message_too_long': `The server answered the key exchange in a way Postern cannot read. ${SEND_THE_LOG}`,
  'keys.not_ready': `The data keys were not ready in time. ${SEND_THE_LOG}`,
  'keys.device_type_mismatch': 'The server runs a different kind of network than this profile says (dev tun against a TAP server, or dev tap against a TUN one). Ask your VPN provider for a current profile.',
  'data.unsupported_cipher': 'The server chose an encryption Postern does not support. Ask your VPN provider which ciphers the server offers.',
  'data.unsupported_auth': 'The server chose a packet signature Postern does not support. Ask your VPN provider.',
  'ncp.cipher_not_allowed': 'The server chose an encryption this profile does not allow. Ask your VPN provider for a current profile.',
  'ncp.no_cipher': 'The server and this profile share no encryption. Ask your VPN provider for a current profile.',
  'ncp.epoch_needs_peer_id': 'The server asked for changing encryption keys (epoch keys) without the setting they need (peer-id). Ask your VPN provider to check the server.',
  'ncp.epoch_needs_aead': 'The server asked for changing encryption keys (epoch keys) with an encryption that cannot use them. Ask your VPN provider to check the server.',
  'data.provider_load_failed': 'Postern could not load the OpenSSL provider this profile asks for (providers). Send the log to your VPN provider.',
  'data.legacy_provider_unavailable': 'The server uses an old cipher that Postern can use only when the profile says providers legacy default. Add that line, or ask the server\'s administrator to move the server to AES-256-GCM.',
  'control.pull_filter_rejected': 'The server pushed a setting this profile refuses (pull-filter), so the connection was ended. Ask your VPN provider.',
  'control.tap_no_ifconfig': 'The server gave this TAP (bridged) connection no address: it expects the device to ask a DHCP server in the bridge, which Postern does not do. Ask your VPN provider to push the address (server-bridge with an address pool).',
  'network.changed': 'The network changed; Postern is reconnecting.',
  'system.wake': 'The computer woke from sleep; Postern is reconnecting.',
  'link.closed': 'The connection to the server closed. Check your internet connection; Postern tries again by itself.',
  'connect.resolve_failed': 'The server name could not be found. Check your internet connection and DNS.',
  'connect.link_failed': 'The server could not be reached. Check your internet connection.',
  'connect.server_poll_timeout': 'The server did not answer. It may be down, or a firewall may block the VPN port.',
  'connect.retries_exhausted': 'The server could not be reached after several tries. Check your internet connection, or ask your VPN provider whether the server is up.',
  'proxy.refused': 'The proxy refused to connect to the VPN server. Check the proxy settings in the profile.',
  'proxy.auth_required': 'The proxy asks for a sign-in this profile does not give. Check the proxy settings in the profile.',
  'proxy.auth_rejected': 'The proxy did not accept the username and password in the profile. Check the proxy sign-in.',
  'proxy.bad_reply': 'The proxy answered in a way Postern cannot read. Check the proxy settings in the profile.',
  'proxy.closed': 'The proxy closed the connection. Check your internet connection and the proxy settings.',
  unknown: 'The connection stopped. Connect again; the log has details.',
  // The app itself.
  'app.unreachable': 'The Postern app is not answering. Restart it.',
  'app.bad_result': 'The Postern app sent an answer this window does not understand. Restart Postern.',
  'app.link_lost': 'This window lost its connection to the Postern app. It reconnects by itself; if this message stays, restart Postern.',
  'app.bad_request': 'This window sent something the app refused. Restart Postern.',
  'app.forbidden': 'This window is not allowed to control Postern. Restart Postern.',
  'app.unknown_method': 'This window asked for something the app does not know. Restart Postern so both match.',
  'bridge.forbidden': 'This page is not allowed to control Postern (its token is wrong or old). Open the address Postern printed when it started.',
  'bridge.bad_json': 'This page sent something Postern could not read. Reload it.',
  'bridge.bad_request': 'This page sent something Postern refused. Reload it.',
  'bridge.method': 'This page asked for something Postern does not know. Reload it.',
  'bridge.not_found': 'That address is not part of Postern. Open the address Postern printed when it started.',
  'bridge.wrong_host': 'This page was opened under another name. Open the address Postern printed when it started.',
  'profile.too_large': 'That file is too large to be a VPN profile (the limit is 512 KB). Choose the .ovpn file your provider gave you.',
  'profile.unreadable': 'That file could not be read. Choose the .ovpn file your provider gave you.',
  'profile.unusable': 'This profile names no server to connect to. Ask your VPN provider for a complete profile.',
  'profile.credentials_unreadable': 'The password file this profile names could not be read. Check that it exists, or take its name off the auth-user-pass line to be asked instead.',
  'profiles.duplicate_name': 'You already have a profile with that name. Pick another name.',
  'profiles.bad_name': 'That name cannot be used. Pick a name of 1 to 200 characters.',
  'profiles.not_found': 'That profile was removed meanwhile. Import it again to use it.',
  'profiles.files_not_confirmed': 'This profile uses files outside its folder. Tick the box that lets Postern read them, then import again.',
  'auth.unsafe_url': 'The server sent a sign-in address that is not a web page, so Postern will not open it. Ask your VPN provider.',
  'diagnostics.unwritable': 'Postern could not write the diagnostics file there. Choose a folder you can write to and try again.',
};

/** Ciphers only OpenSSL's legacy provider has (core/config LEGACY_PROVIDER_CIPHERS; this folder may not import core). */
const LEGACY_PROVIDER_CIPHERS = new Set(['BF-CBC', 'CAST5-CBC', 'DES-CBC', 'SEED-CBC', 'RC2-CBC']);

const MOVE_TO_GCM = 'Better still, ask the server\'s administrator to move the server to AES-256-GCM.';

/**
 * The sentence for an error whose data says more than its code (the helper's ErrorData): the
 * server's cipher and the profile's list name the line to change. Undefined when the data
 * adds nothing; then the code's own words apply.
 */
export function errorDataText(code: string, data: ErrorData | undefined): string | undefined {
  if (data === undefined) return undefined;
  switch (data.kind) {
    case 'cipher': {
      const server = data.serverCipher;
      if (server === undefined || server === 'NONE') {
        return code === 'ncp.no_cipher'
          ? `The server does not say which encryption it uses, and this profile has no data-ciphers-fallback. Ask your VPN provider for the server's cipher and add it to the profile as data-ciphers-fallback.`
          : undefined;
      }
      const list = [...data.dataCiphers, server].join(':');
      const legacy = LEGACY_PROVIDER_CIPHERS.has(server) ? ' and the line providers legacy default' : '';
      return `The server uses ${server}, which this profile does not allow. To connect anyway, add it to data-ciphers in the profile (data-ciphers ${list})${legacy}. ${MOVE_TO_GCM}`;
    }
    case 'legacy_cipher':
      return `The server uses ${data.cipher}, an old cipher Postern can use only when the profile says providers legacy default. Add that line and connect again. ${MOVE_TO_GCM}`;
    case 'provider':
      return `Postern could not load the OpenSSL provider "${data.provider}" this profile asks for (providers). Send the log to your VPN provider.`;
  }
}

/**
 * What the import verdict says about a profile's cautions (core's SummaryCaution: a code and
 * its data; this folder may not import core, so the shape is repeated).
 */
export function cautionText(caution: { code: string; ciphers?: string[] }): string | undefined {
  if (caution.code !== 'small_block_cipher') return undefined;
  const ciphers = caution.ciphers ?? [];
  const named = ciphers.length === 0 ? 'A cipher in this profile' : ciphers.join(' and ');
  return `${named} ${ciphers.length > 1 ? 'encrypt' : 'encrypts'} in 64-bit blocks, which is weak: after a few gigabytes on one key, someone recording the traffic can start to recover parts of it (the SWEET32 attack). `
    + 'Postern renews the keys every 64 MB to make that harder. Ask the server\'s administrator to move the server to AES-256-GCM.';
}

/**
 * Words for the families of codes that are not listed one by one (the profile parser's
 * problem codes, codes of a newer helper): the longest family that matches wins.
 */
export const FAMILY_WORDS: Readonly<Record<string, string>> = {
  profile: 'This profile cannot be used as it is. Import it again to see what is wrong.',
  config: 'This profile cannot be used as it is. Import it again to see the line to fix.',
  tunnel: 'The helper could not run the connection. Try again; the log has details.',
  auth: 'The server refused your sign-in. Check your username and password (or code) and connect again.',
  connect: 'The connection could not be made. Check your internet connection and try again.',
  tls: `The secure connection to the server failed. ${GET_A_NEW_PROFILE}`,
  control: `The server sent something Postern could not use. ${SEND_THE_LOG}`,
  data: `Packets from the server could not be read. ${SEND_THE_LOG}`,
  tun: 'The helper could not set up the network device. Restart the helper as root and try again.',
  netconfig: 'The helper could not set up addresses, routes or DNS. Disconnect, then connect again; the log has the failing step.',
  network: 'The network changed or went away. Check your internet connection and connect again.',
  ipc: 'Talking to the Postern helper failed. Restart the helper and try again.',
  app: 'The Postern app could not do that. Restart Postern and try again.',
  bridge: 'This page could not talk to Postern. Reload it, or open the address Postern printed when it started.',
};

/** The kill switch's three modes: a short name, and what each blocks and allows (settings, tray). */
export const KILL_SWITCH_MODE_WORDS: Record<KillSwitchState['mode'], { name: string; explanation: string }> = {
  off: {
    name: 'Off',
    explanation: 'Nothing is blocked. If the VPN drops, your apps carry on over your normal internet connection.',
  },
  auto: {
    name: 'While connected',
    explanation: 'From the moment you press Connect until you disconnect on purpose, nothing leaves this computer except through the VPN: '
      + 'also while it reconnects, if it fails, and if the Postern helper stops.',
  },
  always: {
    name: 'Always',
    explanation: 'Nothing leaves this computer except through the VPN, connected or not, until you turn this off. '
      + 'Without a VPN connection you have no internet.',
  },
};

export const KILL_SWITCH_WORDS = {
  title: 'Kill switch',
  intro: 'Keeps your traffic from leaving outside the VPN. It applies to the whole computer, for every user.',
  allowLan: 'Allow the local network',
  allowLanExplanation: 'Printers, file shares and other devices at home or in the office stay reachable while traffic is blocked '
    + '(private addresses such as 192.168.x.x, and link-local ones).',
  dnsLeakProtection: 'DNS leak protection',
  dnsLeakProtectionExplanation: 'While the VPN carries all your traffic, name lookups go only to the VPN\'s own DNS servers, through the VPN. '
    + 'Works even with the kill switch off.',
  exceptions: 'Always allowed, even while blocking: this computer talking to itself, the VPN server you connect to, '
    + 'and getting a network address (DHCP, IPv6 neighbour discovery).',
  noHelper: 'The kill switch is kept by the Postern helper. Start the helper to see or change it.',
  saving: 'Saving…',
  blockingNow: 'Right now: blocking all traffic that does not go through the VPN.',
  notBlockingNow: 'Right now: not blocking.',
} as const;

/** Blocked with no VPN up (the `always` mode, or `auto` after a failure): the window's banner and the tray say this. */
export const BLOCKING_WORDS = {
  title: 'Blocking traffic — no VPN connected',
  always: 'The kill switch is set to Always: nothing leaves this computer until a VPN is connected. Connect, or turn the kill switch off.',
  auto: 'The VPN stopped without you disconnecting, so the kill switch keeps blocking. Connect again, or stop blocking.',
  /** The tray's one line. */
  short: 'Blocking traffic: no VPN connected',
  turnOff: 'Turn the kill switch off',
  lift: 'Stop blocking',
  /** The helper went away while the kill switch blocked: its rules stay in place without it. */
  helperGone: 'The kill switch keeps blocking while the helper is away: nothing leaves this computer except through a VPN. '
    + 'Start the helper again to connect or to turn the kill switch off. To lift the block without the helper, run: sudo nft delete table inet postern',
} as const;

/** The badge of the leak self-test the helper runs after every connect and reconnect. */
export const LEAK_BADGE_WORDS = {
  checking: 'Checking for leaks…',
  ok: 'No leaks found',
  failed: 'Leak check failed',
  failedNext: 'Some traffic may leave outside the VPN. Disconnect and connect again; if it stays, send the log to whoever manages this computer.',
} as const;

/**
 * What each check of the leak self-test looks at, in plain words: a topic, not a claim (a
 * split tunnel passes "Internet traffic (IPv4)" without carrying it); the helper's detail
 * says what it found.
 */
export const LEAK_CHECK_WORDS: Record<LeakCheckItem['id'], string> = {
  default_route_v4: 'Internet traffic (IPv4)',
  default_route_v6: 'Internet traffic (IPv6)',
  dns_servers: 'DNS servers in use',
  dns_routes: 'The way to the DNS servers',
  ipv6: 'IPv6 outside the VPN',
  killswitch_rules: 'Kill switch rules',
};

/**
 * Why a tunnel that was up went away, as the window's reconnect history says it ("… because
 * the network changed"). The common causes by name; any other code falls back to the plain
 * "the connection was lost".
 */
export const RECONNECT_CAUSE_WORDS: Readonly<Record<string, string>> = {
  'server.restart': 'the server restarted',
  'server.exit': 'the server restarted',
  'session.ping_restart': 'the server stopped answering',
  'network.changed': 'the network changed',
  'system.wake': 'the computer woke from sleep',
  'link.closed': 'the connection to the server closed',
  'auth.failed_temp': 'the server could not sign you in for a moment',
};

export function reconnectCauseText(code: string): string {
  return Object.hasOwn(RECONNECT_CAUSE_WORDS, code) ? RECONNECT_CAUSE_WORDS[code] as string : 'the connection was lost';
}

/**
 * Who started a renewal of the tunnel's keys (a renegotiation: the tunnel stays up), as
 * Connection details says it ("Keys renewed (the server asked)"). A Record over the helper's
 * closed list, so a new cause without words fails the typecheck.
 */
export const RENEGOTIATION_CAUSE_WORDS: Readonly<Record<RenegotiationCause, string>> = {
  server: 'the server asked',
  reneg_sec: 'on schedule',
  reneg_bytes: 'after the data limit',
  packet_ids: 'the packet counter was running out',
};

/** The question when Postern quits while a VPN is up (electron/main.ts); the buttons in this order. */
export const QUIT_WORDS = {
  message: (profileName: string) => `${profileName} is still connected.`,
  detail: 'Disconnect it before Postern quits, or keep it up: the Postern helper keeps the VPN running, and Postern shows it again when it starts.',
  disconnect: 'Disconnect and Quit',
  keep: 'Keep Connected and Quit',
  cancel: 'Cancel',
  remember: 'Do this every time (change it in Settings)',
} as const;
