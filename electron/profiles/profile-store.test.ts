import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppCallError } from '../api/app-api';
import { BROKEN_PROFILE, GOOD_PROFILE } from '../testing/fixtures';
import { ProfileStore } from './profile-store';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'postern-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a good profile is imported, listed after a restart, renamed and deleted; files are 0600 in a 0700 folder', (t) => {
  const dir = tempDir(t);
  const store = new ProfileStore(dir, () => 42);
  const imported = store.import('Work.ovpn', GOOD_PROFILE, 'Work');
  assert.equal(imported.name, 'Work');
  assert.deepEqual(imported.remotes.slice(0, 1), ['vpn.example.org:1194/udp']);
  assert.equal(statSync(join(dir, 'profiles')).mode & 0o777, 0o700);
  for (const file of readdirSync(join(dir, 'profiles'))) assert.equal(statSync(join(dir, 'profiles', file)).mode & 0o777, 0o600, file);
  const reopened = new ProfileStore(dir);
  assert.deepEqual(reopened.list(), [imported]);
  assert.equal(reopened.text(imported.id), GOOD_PROFILE);
  assert.equal(reopened.rename(imported.id, ' Office ').name, 'Office');
  reopened.delete(imported.id);
  assert.deepEqual(new ProfileStore(dir).list(), []);
  assert.deepEqual(readdirSync(join(dir, 'profiles')), ['index.json']);
});

test('a broken profile is refused with its line; duplicate names and unknown ids get codes', (t) => {
  const store = new ProfileStore(tempDir(t));
  assert.throws(() => store.import('b.ovpn', BROKEN_PROFILE, 'B'), (error: AppCallError) => error.code === 'profile.invalid' && /^line 3:/.test(error.message));
  store.import('a.ovpn', GOOD_PROFILE, 'Home');
  assert.throws(() => store.import('a.ovpn', GOOD_PROFILE, 'home'), (error: AppCallError) => error.code === 'profiles.duplicate_name');
  assert.throws(() => store.text('../../etc/passwd'), (error: AppCallError) => error.code === 'profiles.not_found');
});
