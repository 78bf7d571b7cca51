/**
 * Control-channel text messages (ovpn:forward.c parse_incoming_control_channel_command,
 * push.c, ssl_pkt.c extract_command_buffer). Dispatch is by prefix, in this order.
 */
export const MSG_AUTH_FAILED = 'AUTH_FAILED';
export const MSG_PUSH_PREFIX = 'PUSH_';
export const MSG_PUSH_REPLY = 'PUSH_REPLY';
export const MSG_PUSH_REQUEST = 'PUSH_REQUEST';
export const MSG_RESTART = 'RESTART';
export const MSG_HALT = 'HALT';
export const MSG_INFO_PRE = 'INFO_PRE';
export const MSG_INFO = 'INFO';
export const MSG_CR_RESPONSE = 'CR_RESPONSE';
export const MSG_AUTH_PENDING = 'AUTH_PENDING';
export const MSG_EXIT = 'EXIT';

/**
 * A 2.x peer reads each control message as one TLS record of at most 2048
 * bytes (TLS_CHANNEL_BUF_SIZE); we hold an unterminated tail up to twice that
 * before giving up on it.
 */
export const CONTROL_MESSAGE_MAX_BYTES = 4096;

/** One option item: OPTION_PARM_SIZE (ovpn:options.h) bounds every parameter. */
export const OPTION_PARM_SIZE = 256;

/**
 * Bounds on a whole (continued) push: 2.x servers split at PUSH_BUNDLE_SIZE
 * (1024 B) per message; these caps only stop a peer from growing our memory.
 */
export const PUSH_MAX_TOTAL_BYTES = 256 * 1024;
export const PUSH_MAX_OPTIONS = 8192;

/** `push-continuation 2`: more PUSH_REPLY messages follow; `1`: this is the last (ovpn:push.c). */
export const PUSH_CONTINUATION_MORE = 2;
export const PUSH_CONTINUATION_LAST = 1;

/** Largest peer-id (MAX_PEER_ID, ovpn:openvpn.h); a pushed -1 also means this. */
export const MAX_PEER_ID = 0xffffff;
