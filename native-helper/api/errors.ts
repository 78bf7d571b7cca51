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
  'internal',
] as const;

export type HelperErrorCode = (typeof HELPER_ERROR_CODES)[number];

export interface HelperError {
  code: HelperErrorCode | string;
  message: string;
  details?: Record<string, unknown>;
}
