import { isUtf8 } from 'node:buffer';
import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { MAX_PROFILE_BYTES } from './constants';
import { WHOLE_PROFILE, makeProblem } from './problems';
import type { ProfileProblem } from './problems';

export interface DecodedText {
  text: string;
  /** A warning when the bytes were not UTF-8 and were read as Latin-1. */
  problems: ProfileProblem[];
}

const BOM = '\uFEFF';

/**
 * Bytes or a string → text. 2.x reads bytes and never decodes; we need text, so
 * UTF-8 is tried first and anything else is read as Latin-1 (every byte is a
 * character there, so decoding cannot fail) with a warning. A leading UTF-8 BOM
 * is dropped, as read_config_file does on line 1 (ovpn:options_parse.c).
 * The size limit is checked before any other work.
 */
export function decodeProfileText(input: string | Buffer, limitBytes = MAX_PROFILE_BYTES): Result<DecodedText, ProfileProblem> {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > limitBytes) return err(oversizeProblem(limitBytes));
  if (typeof input === 'string') return ok({ text: stripBom(input), problems: [] });
  const bytes = hasBomBytes(input) ? input.subarray(3) : input;
  if (isUtf8(bytes)) return ok({ text: bytes.toString('utf8'), problems: [] });
  return ok({
    text: bytes.toString('latin1'),
    problems: [makeProblem('config.not_utf8', 'warning',
      'The profile is not valid UTF-8; it was read as Latin-1, so accented characters may show wrongly.', WHOLE_PROFILE,
      { hint: 'Save the profile as UTF-8.' })],
  });
}

/** The rejection of a profile over the size limit (also used by the importer, which never reads one whole). */
export function oversizeProblem(limitBytes = MAX_PROFILE_BYTES): ProfileProblem {
  return makeProblem('config.profile_too_large', 'error', `The profile is larger than ${limitBytes} bytes, and is rejected.`, WHOLE_PROFILE,
    { hint: 'Check that this is really an .ovpn profile; real ones are a few kilobytes.' });
}

function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

function hasBomBytes(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Text of a file a profile refers to (a certificate, a key, a credentials file). */
export function decodeReferencedText(input: Buffer): string {
  const bytes = hasBomBytes(input) ? input.subarray(3) : input;
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}
