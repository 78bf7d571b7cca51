import type { Secret } from '../wire/secret';
import { MSG_CR_RESPONSE, MSG_EXIT, MSG_PUSH_REQUEST } from './constants';

/**
 * Messages the client sends on the control channel, each NUL-terminated and
 * to be written as one TLS record (ovpn:push.c send_push_request,
 * ssl.c send_control_channel_string, sig.c send_exit_notify).
 */
export function encodePushRequest(): Buffer {
  return terminated(MSG_PUSH_REQUEST);
}

/** Answer to INFO_PRE,CR_TEXT: `CR_RESPONSE,<base64(response)>`. The buffer holds the secret: wipe it after sending. */
export function encodeCrResponse(response: Secret): Buffer {
  return terminated(`${MSG_CR_RESPONSE},${Buffer.from(response.reveal(), 'utf8').toString('base64')}`);
}

/** Control-channel exit notification (only when the server pushed protocol-flags cc-exit). */
export function encodeExit(): Buffer {
  return terminated(MSG_EXIT);
}

function terminated(text: string): Buffer {
  const bytes = Buffer.alloc(Buffer.byteLength(text, 'utf8') + 1);
  bytes.write(text, 'utf8');
  return bytes;
}
