import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_OPENED_PROFILE_BYTES, profilePathsIn, readOpenedProfile } from './opened-profiles';

test('the .ovpn paths after the program, resolved; flags and other arguments are not files', () => {
  assert.deepEqual(profilePathsIn(['/opt/Postern/postern-desktop', '--no-sandbox', 'work.ovpn', '/home/a/Home.OVPN', 'notes.txt', '--x=y.ovpn'], '/home/a/Downloads'),
    ['/home/a/Downloads/work.ovpn', '/home/a/Home.OVPN']);
  assert.deepEqual(profilePathsIn(['/opt/Postern/postern-desktop']), []);
});

test('an opened file is read as a drop is; too large, missing or not a file is a coded refusal', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-opened-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'work.ovpn'), 'client\nremote vpn.example.com 1194\n');
  assert.deepEqual(readOpenedProfile(join(dir, 'work.ovpn')), { ok: true, fileName: 'work.ovpn', text: 'client\nremote vpn.example.com 1194\n' });
  writeFileSync(join(dir, 'big.ovpn'), Buffer.alloc(MAX_OPENED_PROFILE_BYTES + 1, 0x20));
  assert.equal((readOpenedProfile(join(dir, 'big.ovpn')) as { code: string }).code, 'profile.too_large');
  assert.equal((readOpenedProfile(join(dir, 'gone.ovpn')) as { code: string }).code, 'profile.unreadable');
  assert.equal((readOpenedProfile(dir) as { code: string }).code, 'profile.unreadable');
});
