/** Reliability-layer sizes and timers (ovpn:ssl_pkt.h, reliable.h, ssl.h; protocol.md §3). */

/** Unacknowledged messages we may have in flight (TLS_RELIABLE_N_SEND_BUFFERS). */
export const SEND_WINDOW = 6;
/** Message ids accepted ahead of the next expected one: `[next, next + 12)` (TLS_RELIABLE_N_REC_BUFFERS). */
export const RECEIVE_WINDOW = 12;
/** ACKs piggybacked on a message (CONTROL_SEND_ACK_MAX). */
export const PIGGYBACK_ACKS = 4;
/** ACKs in a dedicated P_ACK_V1; receivers reject more than 8 (RELIABLE_ACK_SIZE). */
export const BARE_ACKS = 8;
/**
 * Some servers (SoftEther) choke on more than 4 ACKs in a P_ACK_V1; 2.x caps its bare
 * ACKs at 4 unless tls-auth/tls-crypt or EKM show a real OpenVPN peer (ovpn:ssl.c).
 */
export const BARE_ACKS_CONSERVATIVE = 4;
/** First retransmission after `tls-timeout` 2 s, doubling each time (ovpn:reliable.c reliable_send). */
export const INITIAL_RETRANSMIT_MS = 2_000;
/**
 * Our cap on the doubling (2, 4, 8, 16, 16 … s). 2.x has none and relies on hand-window
 * (60 s) to end a stuck handshake; the cap gives a lossy path more tries within that
 * window and keeps a long-lived control channel from waiting minutes for a resend.
 */
export const MAX_RETRANSMIT_MS = 16_000;
/** A message is resent early once this many later ids were ACKed (ovpn:reliable.h N_ACK_RETRANSMIT). */
export const N_ACK_RETRANSMIT = 3;
/** Recently sent ACK ids kept to fill spare ACK slots again (ovpn:reliable.c copy_acks_to_mru). */
export const RECENT_ACKS = 8;
/** Distinct ACKs we hold before sending; more are forgotten and the peer retransmits. */
export const MAX_PENDING_ACKS = 2 * RECEIVE_WINDOW;
