import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCredentialStore } from './credential-store';
import type { Encryptor } from './credential-store';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'postern-credentials-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Stands in for safeStorage: reversible, and visibly not the plaintext. */
const fakeEncryptor: Encryptor = {
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a)),
  decryptString: (encrypted) => Buffer.from([...encrypted].map((b) => b ^ 0x5a)).toString(),
};

test('saved encrypted (never in clear, 0600), loaded back after a restart, forgotten', (t) => {
  const dir = tempDir(t);
  const store = createCredentialStore(dir, fakeEncryptor);
  assert.equal(store.available, true);
  store.save('p1', { username: 'alice', password: 'correct horse' });
  const onDisk = readFileSync(join(dir, 'credentials.json'), 'utf8');
  assert.equal(onDisk.includes('correct horse'), false);
  assert.equal(statSync(join(dir, 'credentials.json')).mode & 0o777, 0o600);
  assert.deepEqual(createCredentialStore(dir, fakeEncryptor).load('p1'), { username: 'alice', password: 'correct horse' });
  assert.equal(store.usernameOf('p1'), 'alice');
  store.forget('p1');
  assert.equal(store.load('p1'), undefined);
  assert.deepEqual(readdirSync(dir), [], 'the last forget removes the file');
});

test('no encryptor, or one the OS says cannot work: unavailable, and nothing is ever written', (t) => {
  for (const encryptor of [undefined, { ...fakeEncryptor, isEncryptionAvailable: () => false }]) {
    const dir = tempDir(t);
    const store = createCredentialStore(dir, encryptor);
    assert.equal(store.available, false);
    store.save('p1', { username: 'alice', password: 'correct horse' });
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(store.load('p1'), undefined);
  }
});

test('a password that no longer decrypts (another OS key) or a damaged file reads as nothing saved', (t) => {
  const dir = tempDir(t);
  createCredentialStore(dir, fakeEncryptor).save('p1', { username: 'alice', password: 'pw' });
  const failing: Encryptor = { ...fakeEncryptor, decryptString: () => { throw new Error('wrong key'); } };
  assert.equal(createCredentialStore(dir, failing).load('p1'), undefined);
  writeFileSync(join(dir, 'credentials.json'), '{not json');
  assert.equal(createCredentialStore(dir, fakeEncryptor).load('p1'), undefined);
});
