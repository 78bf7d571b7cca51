import { BugError } from '../wire/errors';
import { KEY_METHOD_2_SERVER_MIN_BYTES, TLS_OPTIONS_LEN } from './constants';
import { parseKeyMethod2Server, type KeyMethod2ParseError, type KeyMethod2ServerMessage } from './key-method-2';

/**
 * The most bytes held while the server's message is still incomplete. The lenient parse
 * decides as soon as it holds the fixed part (u32 zero, key method, random1, random2,
 * options length: 71 bytes) and the options string, at most TLS_OPTIONS_LEN (512, NUL
 * included; ovpn:ssl.h): 583 bytes. The optional trailing strings never make it wait.
 * So a peer can never make us hold more than this, whatever the parser's details.
 */
export const KEY_METHOD_2_SERVER_HELD_MAX_BYTES = KEY_METHOD_2_SERVER_MIN_BYTES + TLS_OPTIONS_LEN;

/** Why the server's key-method 2 message cannot be read: fatal for this key negotiation. */
export type ServerKeyMethodError =
  | Exclude<KeyMethod2ParseError, { code: 'keys.truncated' }>
  | { code: 'keys.message_too_long'; heldBytes: number; maxBytes: number };

export type ServerKeyMethodRead =
  | { kind: 'need_more' }
  /** `message.rest` holds the bytes that followed it (PUSH_REPLY, AUTH_FAILED…). */
  | { kind: 'message'; message: KeyMethod2ServerMessage }
  | { kind: 'failed'; error: ServerKeyMethodError };

/**
 * Collects the server's key-method 2 message from TLS plaintext chunks, however they are
 * split: "need more" only while it may still complete (bounded by
 * KEY_METHOD_2_SERVER_HELD_MAX_BYTES); a definite error (wrong key method, an options
 * string longer than 2.x allows) fails at once and for good, and the held bytes go.
 * One reader per key negotiation; once it has read the message it must not be fed again.
 */
export class ServerKeyMethodReader {
  #held: Buffer = Buffer.alloc(0);
  #failed: ServerKeyMethodError | undefined;
  #done = false;

  push(chunk: Buffer): ServerKeyMethodRead {
    if (this.#done) throw new BugError('key-method 2: the server message was already read');
    if (this.#failed) return { kind: 'failed', error: this.#failed };
    const input = Buffer.concat([this.#held, chunk]); // a copy: the caller may reuse its chunk
    const parsed = parseKeyMethod2Server(input);
    if (parsed.ok) {
      this.#done = true;
      this.#held = Buffer.alloc(0);
      return { kind: 'message', message: parsed.value };
    }
    if (parsed.error.code !== 'keys.truncated') return this.#fail(parsed.error);
    if (input.length >= KEY_METHOD_2_SERVER_HELD_MAX_BYTES) {
      return this.#fail({ code: 'keys.message_too_long', heldBytes: input.length, maxBytes: KEY_METHOD_2_SERVER_HELD_MAX_BYTES });
    }
    this.#held = input;
    return { kind: 'need_more' };
  }

  /** Bytes held for a message not yet complete. */
  get heldBytes(): number {
    return this.#held.length;
  }

  #fail(error: ServerKeyMethodError): ServerKeyMethodRead {
    this.#failed = error;
    this.#held = Buffer.alloc(0);
    return { kind: 'failed', error };
  }
}
