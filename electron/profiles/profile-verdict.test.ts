import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PROBLEMS } from '../../core/config/index';
import { ProfileVerdict, VERDICT_MAX_PROBLEMS } from '../api/app-api';
import { GOOD_PROFILE } from '../testing/fixtures';
import { checkProfile } from './profile-verdict';

test('the parser never keeps more problems than the verdict schema lets cross to the window', () => {
  assert.ok(MAX_PROBLEMS <= VERDICT_MAX_PROBLEMS, `core MAX_PROBLEMS ${MAX_PROBLEMS} > VERDICT_MAX_PROBLEMS ${VERDICT_MAX_PROBLEMS}`);
});

test('a preview of 262,000 unbalanced quotes lists 200 problems and counts the rest; the schema accepts it', () => {
  const text = '"\n'.repeat(262_000); // 524,000 characters: within the 512 KiB a preview takes
  const { verdict, firstError } = checkProfile('quotes.ovpn', text);
  assert.equal(verdict.connectable, false);
  assert.equal(verdict.problems.length, VERDICT_MAX_PROBLEMS);
  assert.equal(verdict.omittedProblems, 262_000 + 4 - VERDICT_MAX_PROBLEMS);
  assert.equal(firstError, 'line 1: The quote (") opened here is never closed. The line is skipped.');
  assert.ok(JSON.stringify(verdict).length < 100 * 1024, 'what crosses to the window stays small');
  assert.deepEqual(ProfileVerdict.parse(verdict), verdict);
});

test('a good profile has omittedProblems 0; the schema refuses a negative count or too many problems', () => {
  const { verdict } = checkProfile('good.ovpn', GOOD_PROFILE);
  assert.equal(verdict.omittedProblems, 0);
  assert.equal(ProfileVerdict.safeParse(verdict).success, true);
  assert.equal(ProfileVerdict.safeParse({ ...verdict, omittedProblems: -1 }).success, false);
  assert.equal(ProfileVerdict.safeParse({ ...verdict, omittedProblems: undefined }).success, false);
  const problem = { line: 1, column: 1, code: 'config.bad_quoting', severity: 'error', message: 'x' };
  const tooMany = { ...verdict, problems: Array.from({ length: VERDICT_MAX_PROBLEMS + 1 }, () => problem) };
  assert.equal(ProfileVerdict.safeParse(tooMany).success, false);
});

test('a dev tap profile is connectable; the verdict names the device and says, as a note, that the device gets no DHCP', () => {
  const { verdict } = checkProfile('bridge.ovpn', GOOD_PROFILE.replace(/^dev tun$/m, 'dev tap').replace(/^dev-type tun$/m, 'dev-type tap'));
  assert.equal(verdict.connectable, true);
  assert.match(verdict.summary?.device ?? '', /^tap \(Ethernet frames/);
  const note = verdict.problems.find((p) => p.code === 'config.tap_limits');
  assert.equal(note?.severity, 'info');
  assert.match(note?.message ?? '', /no DHCP client/);
  assert.deepEqual(ProfileVerdict.parse(verdict), verdict);
  assert.equal(checkProfile('good.ovpn', GOOD_PROFILE).verdict.summary?.device, 'tun (IP packets)');
});
