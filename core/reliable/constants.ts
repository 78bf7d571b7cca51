/** Reliability-layer sizes and timers (ovpn:ssl_pkt.h, reliable.h, ssl.h; protocol.md §3). */

/** Unacknowledged messages we may have in flight (TLS_RELIABLE_N_SEND_BUFFERS). */
export const SEND_WINDOW = 6;
/** Message ids ahead of the next expected one that we buffer (TLS_RELIABLE_N_REC_BUFFERS). */
export const RECEIVE_WINDOW = 12;
/** ACKs piggybacked on a message (CONTROL_SEND_ACK_MAX). */
export const PIGGYBACK_ACKS = 4;
/** ACKs in a dedicated P_ACK_V1; receivers reject more than 8 (RELIABLE_ACK_SIZE). */
export const BARE_ACKS = 8;
/** First retransmission after `tls-timeout` 2 s, doubling each time. */
export const INITIAL_RETRANSMIT_MS = 2_000;
/** Our cap on the doubling; hand-window (60 s) bounds the whole handshake anyway. */
export const MAX_RETRANSMIT_MS = 16_000;
