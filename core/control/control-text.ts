import { CONTROL_MESSAGE_MAX_BYTES } from './constants';

/**
 * Control messages are text, each terminated by a NUL; one TLS record may carry
 * several (ovpn:ssl_pkt.c extract_command_buffer). Trailing CR/LF are stripped;
 * a message with any other byte below 0x20, or 0x7f, is dropped whole. Bytes
 * ≥ 0x80 pass (2.x treats them as printable) and are read as UTF-8.
 */
export type ControlTextDrop = 'control.invalid_characters' | 'control.message_too_long';

export interface SplitControlMessages {
  messages: string[];
  drops: ControlTextDrop[];
  /** Bytes after the last NUL: the start of a message not yet complete. */
  rest: Buffer;
}

export function splitControlMessages(buf: Buffer): SplitControlMessages {
  const messages: string[] = [];
  const drops: ControlTextDrop[] = [];
  let start = 0;
  for (let nul = buf.indexOf(0, start); nul !== -1; nul = buf.indexOf(0, start)) {
    const text = decodeMessage(buf, start, nul);
    if (text === null) drops.push('control.invalid_characters');
    else if (text !== '') messages.push(text);
    start = nul + 1;
  }
  return { messages, drops, rest: buf.subarray(start) };
}

/** Chomps trailing CR/LF; null when a control character remains. */
function decodeMessage(buf: Buffer, start: number, end: number): string | null {
  let last = end;
  while (last > start && (buf[last - 1] === 0x0a || buf[last - 1] === 0x0d)) last--;
  for (let i = start; i < last; i++) {
    const byte = buf[i] ?? 0;
    if (byte < 0x20 || byte === 0x7f) return null;
  }
  return buf.toString('utf8', start, last);
}

/**
 * Splits a stream of TLS plaintext chunks into messages, holding a message
 * that spans chunks. 2.x writes each message as one record, but Node may merge
 * records into one chunk or (rarely) split one; both are handled here.
 */
export class ControlMessageSplitter {
  #pending: Buffer = Buffer.alloc(0);
  /** After an oversized message: skip up to its terminating NUL. */
  #discarding = false;

  push(chunk: Buffer): { messages: string[]; drops: ControlTextDrop[] } {
    let data = chunk;
    if (this.#discarding) {
      const nul = data.indexOf(0);
      if (nul === -1) return { messages: [], drops: [] };
      this.#discarding = false;
      data = data.subarray(nul + 1);
    }
    const input = this.#pending.length === 0 ? data : Buffer.concat([this.#pending, data]);
    const { messages, drops, rest } = splitControlMessages(input);
    if (rest.length > CONTROL_MESSAGE_MAX_BYTES) {
      drops.push('control.message_too_long');
      this.#pending = Buffer.alloc(0);
      this.#discarding = true;
    } else {
      // Copy: the caller may reuse its chunk buffer.
      this.#pending = Buffer.from(rest);
    }
    return { messages, drops };
  }

  /** Bytes held for an unterminated message. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  reset(): void {
    this.#pending = Buffer.alloc(0);
    this.#discarding = false;
  }
}
