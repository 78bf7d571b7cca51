/**
 * Error codes that cross the helper socket. The wording for people lives in the
 * renderer (one switch over the code); the helper sends the code, a short message for
 * logs, and never a stack trace.
 */
export const HELPER_ERROR_CODES = [
  'ipc.bad_frame',
  'ipc.frame_too_large',
  'ipc.bad_request',
  'ipc.unknown_method',
  'ipc.hello_required',
  'ipc.version_mismatch',
  'ipc.forbidden',
  'ipc.too_many_clients',
  'ipc.not_in_group',
  'ipc.idle',
  'ipc.not_reading',
  // Seen only by clients: raised by HelperConnection / the socket binding, never sent.
  'ipc.helper_unavailable',
  'ipc.untrusted_socket',
  'ipc.closed',
  'ipc.timeout',
  'ipc.bad_response',
  'tunnel.already_running',
  'tunnel.network_busy',
  'tunnel.not_running',
  'tunnel.tun_failed',
  'tunnel.netconfig_failed',
  'profile.invalid',
  'auth.no_prompt',
  'auth.bad_answer',
  // 1.2: the kill switch could not be put in place (nft missing or failing, its settings unreadable):
  // a connect then stops before the first packet rather than run unprotected.
  'killswitch.failed',
  'killswitch.unavailable',
  // 1.3: a tunnel ended because the helper was stopped (SIGTERM), not by the user.
  'helper.stopping',
  'internal',
] as const;

export type HelperErrorCode = (typeof HELPER_ERROR_CODES)[number];

/**
 * Why a tunnel stopped or is reconnecting, as core says it (core's SESSION_END_CODES: this
 * folder loads in the window and may not import core, so the list is repeated here, and
 * codes.test.ts proves the two are the same list).
 */
export const SESSION_END_CODES = [
  'user.disconnect', 'server.exit', 'server.restart', 'server.halt',
  'session.handshake_timeout', 'session.ping_restart', 'auth.pending_timeout',
  'auth.failed_plain', 'auth.failed_session', 'auth.failed_temp', 'auth.failed_crv1',
  'auth.failed', 'auth.cancelled', 'auth.credentials_too_long',
  'tls.certificate_untrusted', 'tls.certificate_expired', 'tls.certificate_revoked', 'tls.remote_cert_tls',
  'tls.verify_x509_name', 'tls.peer_fingerprint', 'tls.no_peer_certificate', 'tls.client_credentials', 'tls.handshake_failed',
  'keys.bad_key_method', 'keys.options_too_long', 'keys.message_too_long', 'keys.not_ready',
  'keys.device_type_mismatch',
  'data.unsupported_cipher', 'data.unsupported_auth', 'ncp.cipher_not_allowed', 'ncp.no_cipher',
  'ncp.epoch_needs_peer_id', 'ncp.epoch_needs_aead',
  'data.provider_load_failed', 'data.legacy_provider_unavailable',
  'control.pull_filter_rejected',
  'control.tap_no_ifconfig',
  'network.changed',
  'link.closed', 'connect.resolve_failed', 'connect.link_failed', 'connect.server_poll_timeout', 'connect.retries_exhausted',
  'session.connected_then_lost', 'system.wake', 'proxy.refused', 'proxy.auth_required', 'proxy.auth_rejected', 'proxy.bad_reply', 'proxy.closed', 'unknown',
] as const;
export type SessionEndCode = (typeof SESSION_END_CODES)[number];

/** Why the helper could not configure the machine (netconfig/netconfig-error.ts; codes.test.ts keeps them equal). */
export const NETCONFIG_ERROR_CODES = ['netconfig.journal_failed', 'netconfig.step_failed', 'netconfig.dns_failed', 'netconfig.gateway_unknown'] as const;

/**
 * Every code the helper can send, in a reply or in an event's error: what the window and
 * the tray must have words for (electron/api/words.ts is a Record over this type, so a new
 * code without words fails the typecheck).
 */
export const ERROR_CODES = [...HELPER_ERROR_CODES, ...SESSION_END_CODES, ...NETCONFIG_ERROR_CODES] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface HelperError {
  code: HelperErrorCode | string;
  message: string;
  details?: Record<string, unknown>;
}
