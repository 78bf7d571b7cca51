import { BugError } from '../wire/errors';
import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { Secret } from '../wire/secret';
import {
  KEY_METHOD_2, KEY_METHOD_2_SERVER_MIN_BYTES, KEY_METHOD_MASK, PRE_MASTER_BYTES, RANDOM_BYTES,
  TLS_OPTIONS_LEN, USER_PASS_LEN,
} from './constants';

/**
 * The key-method 2 message: the first plaintext each side writes into every TLS
 * session (ovpn:ssl.c key_method_2_write / key_method_2_read).
 *
 *   off  size  field
 *   0    4     00 00 00 00
 *   4    1     key method 0x02 (low nibble; high nibble = flags, none defined)
 *   5    48    pre_master            (client only; the server's message lacks it)
 *   +0   32    random1
 *   +32  32    random2
 *   …    2+L   options string: u16 L (NUL included, L ≤ 512) ‖ text ‖ 00
 *   …    2+U   username  (u16 incl. NUL) or 00 00
 *   …    2+P   password  (u16 incl. NUL) or 00 00
 *   …    2+I   peer-info "K=V\n…" (u16 incl. NUL) or 00 00
 *
 * The whole message must fit the peer's 2048-byte plaintext buffer
 * (TLS_CHANNEL_BUF_SIZE, ovpn:common.h), i.e. one TLS record.
 */
export interface KeyMethod2ClientInput {
  preMaster: Buffer;
  random1: Buffer;
  random2: Buffer;
  optionsString: string;
  /** Absent: no auth-user-pass; both fields go out as 00 00. */
  username?: string;
  password?: Secret;
  /** `IV_VER=…\n…`; empty → 00 00. */
  peerInfo: string;
  /** USER_PASS_LEN of the server (NUL included); 128 unless it is a PKCS#11 build (4096). */
  userPassMaxBytes?: number;
}

export interface KeyMethod2ServerInput {
  random1: Buffer;
  random2: Buffer;
  optionsString: string;
}

export type KeyMethod2Field = 'options' | 'username' | 'password' | 'peer_info' | 'message';

export type KeyMethod2EncodeError =
  | { code: 'keys.field_too_long'; field: KeyMethod2Field; lengthBytes: number; maxBytes: number }
  | { code: 'keys.nul_in_field'; field: KeyMethod2Field };

export type KeyMethod2ParseError =
  | { code: 'keys.truncated'; field: string }
  | { code: 'keys.bad_key_method'; keyMethod: number }
  | { code: 'keys.options_too_long'; lengthBytes: number };

export interface KeyMethod2ServerMessage {
  random1: Buffer;
  random2: Buffer;
  optionsString: string;
  /** Bytes after the message (a view into the input): the next control messages (PUSH_REPLY, AUTH_FAILED…), kept. */
  rest: Buffer;
}

export interface KeyMethod2ClientMessage extends KeyMethod2ServerMessage {
  preMaster: Buffer;
  username?: string;
  password?: Secret;
  peerInfo?: string;
}

/** Largest key-method message a 2.x peer can read in one go (TLS_CHANNEL_BUF_SIZE). */
export const KEY_METHOD_2_MAX_BYTES = 2048;

export function encodeKeyMethod2Client(input: KeyMethod2ClientInput): Result<Buffer, KeyMethod2EncodeError> {
  requireLength('preMaster', input.preMaster, PRE_MASTER_BYTES);
  const userMax = input.userPassMaxBytes ?? USER_PASS_LEN;
  const fields: Array<[KeyMethod2Field, Buffer | null, number]> = [
    ['options', Buffer.from(input.optionsString, 'utf8'), TLS_OPTIONS_LEN],
    ...userPassFields(input, userMax),
    ['peer_info', input.peerInfo === '' ? null : Buffer.from(input.peerInfo, 'utf8'), 0xffff],
  ];
  return encodeMessage(input.preMaster, input.random1, input.random2, fields);
}

/** The server side, as a 2.x server writes it; for tests and in-process fake servers. */
export function encodeKeyMethod2Server(input: KeyMethod2ServerInput): Result<Buffer, KeyMethod2EncodeError> {
  return encodeMessage(null, input.random1, input.random2, [
    ['options', Buffer.from(input.optionsString, 'utf8'), TLS_OPTIONS_LEN],
    ['username', null, 0], ['password', null, 0], ['peer_info', null, 0],
  ]);
}

function userPassFields(input: KeyMethod2ClientInput, max: number): Array<[KeyMethod2Field, Buffer | null, number]> {
  if (input.username === undefined) return [['username', null, max], ['password', null, max]];
  // Like 2.x: with auth-user-pass both strings are written, even when empty (00 01 00).
  const password = input.password?.reveal() ?? '';
  return [['username', Buffer.from(input.username, 'utf8'), max], ['password', Buffer.from(password, 'utf8'), max]];
}

function encodeMessage(
  preMaster: Buffer | null, random1: Buffer, random2: Buffer,
  fields: Array<[KeyMethod2Field, Buffer | null, number]>,
): Result<Buffer, KeyMethod2EncodeError> {
  requireLength('random1', random1, RANDOM_BYTES);
  requireLength('random2', random2, RANDOM_BYTES);
  let total = 5 + (preMaster?.length ?? 0) + 2 * RANDOM_BYTES;
  for (const [field, bytes, max] of fields) {
    if (bytes === null) { total += 2; continue; }
    if (bytes.includes(0)) return err({ code: 'keys.nul_in_field', field });
    if (bytes.length + 1 > max) {
      return err({ code: 'keys.field_too_long', field, lengthBytes: bytes.length + 1, maxBytes: max });
    }
    total += 3 + bytes.length;
  }
  if (total > KEY_METHOD_2_MAX_BYTES) {
    return err({ code: 'keys.field_too_long', field: 'message', lengthBytes: total, maxBytes: KEY_METHOD_2_MAX_BYTES });
  }
  const out = Buffer.alloc(total); // zero-filled: the leading u32 and every NUL come for free
  let offset = 4;
  out[offset++] = KEY_METHOD_2;
  for (const part of [preMaster, random1, random2]) {
    if (part !== null) offset += part.copy(out, offset);
  }
  for (const [, bytes] of fields) {
    if (bytes === null) { offset += 2; continue; }
    offset = out.writeUInt16BE(bytes.length + 1, offset);
    offset += bytes.copy(out, offset) + 1;
  }
  return ok(out);
}

function requireLength(name: string, buf: Buffer, length: number): void {
  if (buf.length !== length) throw new BugError(`key-method 2: ${name} must be ${length} bytes, got ${buf.length}`);
}

/**
 * Parses the server's message leniently: at least 71 bytes, the options string
 * must be whole, the three trailing strings may be missing. Where a trailing
 * field does not look like a u16-prefixed NUL-terminated string, the message is
 * taken to have ended there and everything from that byte on is `rest`
 * (2.x servers write 00 00 ×3, then PUSH_REPLY or AUTH_FAILED may follow).
 */
export function parseKeyMethod2Server(buf: Buffer): Result<KeyMethod2ServerMessage, KeyMethod2ParseError> {
  const head = parseHead(buf, false);
  if (!head.ok) return head;
  const { randoms, optionsString, offset } = head.value;
  const tail = readOptionalStrings(buf, offset, 3);
  return ok({ random1: randoms[0], random2: randoms[1], optionsString, rest: buf.subarray(tail.offset) });
}

/** The client's message, as a server reads it; for tests and in-process fake servers. */
export function parseKeyMethod2Client(buf: Buffer): Result<KeyMethod2ClientMessage, KeyMethod2ParseError> {
  const head = parseHead(buf, true);
  if (!head.ok) return head;
  const { preMaster, randoms, optionsString, offset } = head.value;
  const tail = readOptionalStrings(buf, offset, 3);
  const [username, password, peerInfo] = tail.strings;
  const message: KeyMethod2ClientMessage = {
    preMaster: preMaster ?? Buffer.alloc(0), random1: randoms[0], random2: randoms[1], optionsString,
    rest: buf.subarray(tail.offset),
  };
  if (username !== undefined) message.username = username;
  if (password !== undefined) message.password = new Secret(password);
  if (peerInfo !== undefined) message.peerInfo = peerInfo;
  return ok(message);
}

interface Head { preMaster?: Buffer; randoms: [Buffer, Buffer]; optionsString: string; offset: number }

function parseHead(buf: Buffer, withPreMaster: boolean): Result<Head, KeyMethod2ParseError> {
  const preMasterBytes = withPreMaster ? PRE_MASTER_BYTES : 0;
  if (buf.length < KEY_METHOD_2_SERVER_MIN_BYTES + preMasterBytes) return err({ code: 'keys.truncated', field: 'header' });
  const keyMethod = buf[4] ?? 0;
  if ((keyMethod & KEY_METHOD_MASK) !== KEY_METHOD_2) return err({ code: 'keys.bad_key_method', keyMethod });
  let offset = 5;
  const preMaster = withPreMaster ? Buffer.from(buf.subarray(offset, (offset += preMasterBytes))) : undefined;
  const random1 = Buffer.from(buf.subarray(offset, (offset += RANDOM_BYTES)));
  const random2 = Buffer.from(buf.subarray(offset, (offset += RANDOM_BYTES)));
  const length = buf.readUInt16BE(offset);
  offset += 2;
  if (length > TLS_OPTIONS_LEN) return err({ code: 'keys.options_too_long', lengthBytes: length });
  if (offset + length > buf.length) return err({ code: 'keys.truncated', field: 'options' });
  const optionsString = cString(buf.subarray(offset, offset + length));
  offset += length;
  const head: Head = { randoms: [random1, random2], optionsString, offset };
  if (preMaster) head.preMaster = preMaster;
  return ok(head);
}

/** Reads up to `count` u16-prefixed strings; stops at the first that is absent or implausible. */
function readOptionalStrings(buf: Buffer, start: number, count: number): { strings: Array<string | undefined>; offset: number } {
  const strings: Array<string | undefined> = [];
  let offset = start;
  for (let i = 0; i < count && offset + 2 <= buf.length; i++) {
    const length = buf.readUInt16BE(offset);
    const end = offset + 2 + length;
    if (end > buf.length || (length > 0 && buf[end - 1] !== 0)) break;
    strings.push(length === 0 ? undefined : cString(buf.subarray(offset + 2, end)));
    offset = end;
  }
  return { strings, offset };
}

/** Text up to the first NUL (the peer forces the last byte to NUL, ovpn:ssl.c read_string). */
function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('utf8', 0, nul === -1 ? Math.max(0, bytes.length - 1) : nul);
}
