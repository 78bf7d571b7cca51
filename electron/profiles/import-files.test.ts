import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseProfile } from '../../core/config/index';
import { CA, profileNaming } from '../testing/outside-files';
import { createImportReader } from './import-files';
import { checkProfile } from './profile-verdict';


function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'postern-outside-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('dropped as text: a certificate outside is listed and not read until confirmed; a secret outside is never touched', (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'ca.crt'), CA);
  writeFileSync(join(dir, 'secret.txt'), 'MARKER-user\nMARKER-password\n');
  const text = profileNaming(join(dir, 'ca.crt'), join(dir, 'secret.txt'));
  const preview = checkProfile('p.ovpn', text);
  assert.deepEqual(preview.verdict.outsideFiles, [
    { directive: 'auth-user-pass', line: 28, path: join(dir, 'secret.txt'), kind: 'secret', status: 'not_read' },
    { directive: 'ca', line: 29, path: join(dir, 'ca.crt'), kind: 'certificate', status: 'found' },
  ]);
  assert.equal(preview.verdict.connectable, true);
  assert.equal(preview.selfContainedText, undefined, 'nothing to store before the CA is read');
  assert.deepEqual(preview.outsideCertificates, [join(dir, 'ca.crt')]);
  assert.ok(preview.verdict.problems.some((p) => p.code === 'config.secret_file_not_read' && p.line === 28));

  const confirmed = checkProfile('p.ovpn', text, { confirmed: new Set([join(dir, 'ca.crt')]) });
  const stored = confirmed.selfContainedText ?? '';
  assert.ok(stored.includes(CA.trim()) && !stored.includes('MARKER') && !stored.includes(dir));
  const again = parseProfile(stored);
  assert.equal(again.profile?.auth.userPass, true);
  assert.equal(again.profile?.auth.username, undefined, 'asked at connect');
});

test('a certificate outside that is missing or unreadable is an error on its line; relative names need a folder', (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'a-folder'));
  const missing = checkProfile('p.ovpn', profileNaming(join(dir, 'nope.crt'), 'creds.txt'));
  assert.equal(missing.verdict.connectable, false);
  assert.deepEqual(missing.verdict.problems.filter((p) => p.severity === 'error').map((p) => `${p.line} ${p.code}`), ['28 config.file_not_found', '29 config.file_not_found']);
  const folder = checkProfile('p.ovpn', profileNaming(join(dir, 'a-folder'), 'creds.txt'));
  assert.deepEqual(folder.verdict.outsideFiles?.map((f) => f.status), ['unreadable']);
  assert.match(folder.firstError ?? '', /^line 29: ca: /);
});

test('with a folder: inside files are read; .. past it and a symlink pointing out count as outside', (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'profile'));
  writeFileSync(join(dir, 'profile', 'inside.crt'), CA);
  writeFileSync(join(dir, 'outside.crt'), CA);
  writeFileSync(join(dir, 'secret.txt'), 'MARKER\n');
  symlinkSync(join(dir, 'outside.crt'), join(dir, 'profile', 'link.crt'));
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'profile', 'creds.txt'));
  const asked = (directive: string, name: string, confirmed: string[] = []) => {
    const reader = createImportReader({ folder: join(dir, 'profile'), confirmed: new Set(confirmed) });
    const read = reader.readFile(name, { directive, line: 1, path: name, outside: name.startsWith('..'), kind: directive === 'ca' ? 'certificate' : 'secret' });
    return { read: Buffer.isBuffer(read) ? read.toString() : read, outside: reader.outside.map((f) => `${f.status} ${f.path}`) };
  };
  assert.deepEqual(asked('ca', 'inside.crt'), { read: CA, outside: [] });
  assert.deepEqual(asked('ca', 'link.crt'), { read: { failure: 'withheld' }, outside: [`found ${join(dir, 'profile', 'link.crt')}`] });
  assert.deepEqual(asked('ca', 'link.crt', [join(dir, 'profile', 'link.crt')]).read, CA);
  assert.deepEqual(asked('ca', '../outside.crt'), { read: { failure: 'withheld' }, outside: [`found ${join(dir, 'outside.crt')}`] });
  assert.deepEqual(asked('auth-user-pass', 'creds.txt', [join(dir, 'profile', 'creds.txt')]), { read: { failure: 'withheld' }, outside: [`not_read ${join(dir, 'profile', 'creds.txt')}`] });
  assert.deepEqual(asked('auth-user-pass', '../secret.txt').read, { failure: 'withheld' });
  assert.equal(readFileSync(join(dir, 'secret.txt'), 'utf8'), 'MARKER\n');
});
