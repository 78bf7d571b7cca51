import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DIRECTIVES, MAX_LINE_CHARS, MAX_PROFILE_BYTES } from './constants';
import { parseProfile } from './parse-profile';
import { profileWith } from './test-kit';

/**
 * An oversized input is refused before any directive is read: one problem, that one. (How
 * fast is the benchmark's business; a timed assertion here failed under CI's load.)
 */
function rejectedQuickly(input: string | Buffer, code: string): void {
  const result = parseProfile(input);
  assert.equal(result.profile, undefined);
  assert.deepEqual(result.problems.map((p) => p.code), [code]);
  assert.equal(result.problems[0]?.severity, 'error');
}

test('a profile over 1 MiB is rejected, as bytes or as text', () => {
  const big = Buffer.alloc(MAX_PROFILE_BYTES + 1, '#');
  rejectedQuickly(big, 'config.profile_too_large');
  rejectedQuickly(big.toString('latin1'), 'config.profile_too_large');
  // Multi-byte characters count as bytes.
  rejectedQuickly('é'.repeat(MAX_PROFILE_BYTES / 2 + 1), 'config.profile_too_large');
});

test('a line over 64 KiB is rejected', () => {
  rejectedQuickly(profileWith(`setenv UV_X ${'a'.repeat(MAX_LINE_CHARS)}`), 'config.line_too_long');
  const result = parseProfile(`client\n${'#'.repeat(MAX_LINE_CHARS + 1)}\n`);
  assert.deepEqual(result.problems.map((p) => [p.line, p.code]), [[2, 'config.line_too_long']]);
});

test('more than 10,000 directives are rejected; exactly 10,000 are fine', () => {
  rejectedQuickly('verb 3\n'.repeat(MAX_DIRECTIVES + 1), 'config.too_many_directives');
  rejectedQuickly(`<connection>\n${'nobind\n'.repeat(MAX_DIRECTIVES + 1)}</connection>\n`, 'config.too_many_directives');
  const fine = parseProfile(profileWith('verb 3\n'.repeat(MAX_DIRECTIVES - 20).trimEnd()));
  assert.notEqual(fine.profile, undefined);
});

test('just under the limits parses', () => {
  const text = profileWith(`# ${'x'.repeat(MAX_LINE_CHARS - 2)}`);
  assert.notEqual(parseProfile(text).profile, undefined);
});
