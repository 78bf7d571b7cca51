/**
 * Every code a session or client end can carry, and every reason a packet can be dropped:
 * closed lists, so the helper, the CLI and the app can switch over them exhaustively.
 * Layers keep their own narrower unions (WrapDrop, DataDrop, TlsErrorCode, …); passing
 * one where these types are expected proves it is listed here.
 */

export const SESSION_END_CODES = [
  // The user, or the owner on the user's behalf.
  'user.disconnect',
  // The server's own word: RESTART, HALT, EXIT / OCC_EXIT.
  'server.exit', 'server.restart', 'server.halt',
  // Timers of the session.
  'session.handshake_timeout', 'session.ping_restart', 'auth.pending_timeout',
  // AUTH_FAILED, one code per kind (control/classify-control-message.ts AuthFailure).
  'auth.failed_plain', 'auth.failed_session', 'auth.failed_temp', 'auth.failed_crv1',
  // Sign-in decisions (auth/): a refusal that stops, a cancelled question.
  'auth.failed', 'auth.cancelled', 'auth.credentials_too_long',
  // TLS (tls/tls-error.ts TlsErrorCode).
  'tls.certificate_untrusted', 'tls.certificate_expired', 'tls.certificate_revoked', 'tls.remote_cert_tls',
  'tls.verify_x509_name', 'tls.peer_fingerprint', 'tls.no_peer_certificate', 'tls.client_credentials', 'tls.handshake_failed',
  // Key exchange and data keys.
  'keys.bad_key_method', 'keys.options_too_long', 'keys.message_too_long', 'keys.not_ready',
  // The server's options string names the other device type (tun against tap).
  'keys.device_type_mismatch',
  'data.unsupported_cipher', 'data.unsupported_auth', 'ncp.cipher_not_allowed', 'ncp.no_cipher',
  // 2.7's epoch data keys pushed (aead-epoch) without a peer-id, or with a cipher that is not AEAD.
  'ncp.epoch_needs_peer_id', 'ncp.epoch_needs_aead',
  // OpenSSL providers (`providers legacy default`): one would not load, or a cipher that needs
  // the legacy one (BF-CBC, CAST5-CBC) was negotiated without it.
  'data.provider_load_failed', 'data.legacy_provider_unavailable',
  // The push.
  'control.pull_filter_rejected',
  // dev tap, and the push gives the device no address (the server expects DHCP in the bridge).
  'control.tap_no_ifconfig',
  // The client around the sessions (transport/).
  // The helper saw the path to the server change (VpnClient.networkChanged): a TCP session starts again at once.
  'network.changed',
  'link.closed', 'connect.resolve_failed', 'connect.link_failed', 'connect.server_poll_timeout', 'connect.retries_exhausted',
  'session.connected_then_lost', 'system.wake', 'proxy.refused', 'proxy.auth_required', 'proxy.auth_rejected', 'proxy.bad_reply', 'proxy.closed', 'unknown',
] as const;
export type SessionEndCode = typeof SESSION_END_CODES[number];

/** The errno codes a UDP send or socket error is counted under; any other is `udp.error`. */
export const UDP_DROP_REASONS = [
  'udp.EMSGSIZE', 'udp.ENOBUFS', 'udp.EAGAIN', 'udp.ENETUNREACH', 'udp.EHOSTUNREACH', 'udp.ENETDOWN', 'udp.EHOSTDOWN',
  'udp.EPERM', 'udp.EACCES', 'udp.EINVAL', 'udp.EADDRNOTAVAIL', 'udp.ECONNRESET',
  'udp.error', 'udp.send_failed', 'udp.send_queue_full',
  // Sent while the socket was being connected again for a new source address (transport/link.ts).
  'udp.reconnecting',
] as const;

export const DROP_REASONS = [
  // framing/
  'framing.zero_length', 'framing.oversize', 'framing.truncated',
  // packet/
  'packet.truncated', 'packet.bad_opcode', 'packet.too_many_acks', 'packet.empty_ack',
  // wrap/
  'wrap.truncated', 'wrap.bad_hmac', 'wrap.bad_tag', 'wrap.replay',
  // reliable/control-link.ts
  'control.ack_wrong_session', 'control.unknown_key_id', 'control.before_server_reset', 'control.wrong_session_id',
  // control/: text messages and the push
  'control.invalid_characters', 'control.message_too_long', 'control.push_too_large', 'control.not_a_push_reply',
  // session/
  'control.soft_reset_before_keys',
  // data/
  'data.truncated', 'data.bad_opcode', 'data.auth_failed', 'data.decrypt_failed', 'data.bad_packet_id', 'data.replay',
  'data.replay_window', 'data.bad_compression_header', 'data.compression_not_allowed', 'data.decompress_failed',
  'data.no_send_key', 'data.unknown_key_id',
  // data/epoch-aead-cipher.ts: an epoch not held (not current, retiring or the next 16), a key worn out by failed tags.
  'data.unknown_epoch', 'data.key_limit',
  // transport/ (and the helper's UDP link)
  ...UDP_DROP_REASONS,
  // transport/socks5-udp-link.ts: a datagram not from the relay, a relay header unread or
  // fragmented, or one the relay passed on from an address that is not the server.
  'socks.not_from_relay', 'socks.bad_header', 'socks.fragment', 'socks.not_from_server',
] as const;
export type DropReason = typeof DROP_REASONS[number];

type UdpDropReason = typeof UDP_DROP_REASONS[number];

const UDP_DROP_BY_ERRNO: Readonly<Record<string, UdpDropReason>> = {
  EMSGSIZE: 'udp.EMSGSIZE', ENOBUFS: 'udp.ENOBUFS', EAGAIN: 'udp.EAGAIN', ENETUNREACH: 'udp.ENETUNREACH',
  EHOSTUNREACH: 'udp.EHOSTUNREACH', ENETDOWN: 'udp.ENETDOWN', EHOSTDOWN: 'udp.EHOSTDOWN', EPERM: 'udp.EPERM',
  EACCES: 'udp.EACCES', EINVAL: 'udp.EINVAL', EADDRNOTAVAIL: 'udp.EADDRNOTAVAIL', ECONNRESET: 'udp.ECONNRESET',
};

/** The drop reason for a UDP errno; `fallback` when the errno is absent or not listed. */
export function udpDropReason(errno: string | undefined, fallback: 'udp.error' | 'udp.send_failed' = 'udp.error'): UdpDropReason {
  return (errno !== undefined && Object.hasOwn(UDP_DROP_BY_ERRNO, errno) ? UDP_DROP_BY_ERRNO[errno] : undefined) ?? fallback;
}

/**
 * Who started a key renegotiation: the server (its soft reset came first), or one of our own
 * limits on the current key: reneg-sec, reneg-bytes (or the 64 MB default for 64-bit-block
 * ciphers), and its packet-ids (in 2.7's epoch format, its epochs) nearing their end.
 * core does not act on reneg-pkts (it is parsed and ignored), so it has no cause here.
 */
export const RENEGOTIATION_CAUSES = ['server', 'reneg_sec', 'reneg_bytes', 'packet_ids'] as const;
export type RenegotiationCause = typeof RENEGOTIATION_CAUSES[number];
/** The limits on our side that make us start a renegotiation. */
export type OwnRenegotiationCause = Exclude<RenegotiationCause, 'server'>;
