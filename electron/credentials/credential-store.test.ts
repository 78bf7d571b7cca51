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

const xor = (bytes: Uint8Array): Buffer => Buffer.from([...bytes].map((b) => b ^ 0x5a));

/**
 * Stands in for Electron's safeStorage on Linux with the given backend: reversible, visibly
 * not the plaintext, and counting decryptions (a password read back is a decryption).
 */
function fakeSafeStorage(backend: string | undefined, options: { encryptionAvailable?: boolean } = {}): Encryptor & { decryptions: number } {
  const fake = {
    decryptions: 0,
    isEncryptionAvailable: () => options.encryptionAvailable ?? true,
    encryptString: (plain: string) => xor(Buffer.from(plain)),
    decryptString: (encrypted: Buffer) => {
      fake.decryptions++;
      return xor(encrypted).toString();
    },
  };
  return backend === undefined ? fake : Object.assign(fake, { getSelectedStorageBackend: () => backend });
}

const ALICE = { username: 'alice', password: 'correct horse' };

/** A credentials.json as an earlier Postern wrote it: no keyring recorded. */
function writeLegacyFile(dir: string, entries: Record<string, { username: string; password: string; keyring?: string }>): void {
  writeFileSync(join(dir, 'credentials.json'), JSON.stringify(entries), { mode: 0o600 });
}
const encrypted = (plain: string): string => xor(Buffer.from(plain)).toString('base64');

test('saved encrypted (never in clear, 0600) with its keyring, loaded back after a restart, forgotten', (t) => {
  const dir = tempDir(t);
  const store = createCredentialStore(dir, fakeSafeStorage('gnome_libsecret'), 'linux');
  assert.deepEqual(store.support, { available: true, keyring: 'gnome_libsecret' });
  store.save('p1', ALICE);
  const onDisk = readFileSync(join(dir, 'credentials.json'), 'utf8');
  assert.equal(onDisk.includes('correct horse'), false);
  assert.equal((JSON.parse(onDisk) as Record<string, { keyring: string }>)['p1']?.keyring, 'gnome_libsecret');
  assert.equal(statSync(join(dir, 'credentials.json')).mode & 0o777, 0o600);
  assert.deepEqual(createCredentialStore(dir, fakeSafeStorage('gnome_libsecret'), 'linux').load('p1'), ALICE);
  assert.equal(store.usernameOf('p1'), 'alice');
  store.forget('p1');
  assert.equal(store.load('p1'), undefined);
  assert.deepEqual(readdirSync(dir), [], 'the last forget removes the file');
});

test('every Linux keyring backend of safeStorage is offered; macOS and Windows use the OS keychain', (t) => {
  for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) {
    const store = createCredentialStore(tempDir(t), fakeSafeStorage(backend), 'linux');
    assert.deepEqual(store.support, { available: true, keyring: backend });
    store.save('p1', ALICE);
    assert.deepEqual(store.load('p1'), ALICE, backend);
  }
  for (const platform of ['darwin', 'win32'] as const) {
    const store = createCredentialStore(tempDir(t), fakeSafeStorage(undefined), platform);
    assert.deepEqual(store.support, { available: true, keyring: 'os' }, platform);
  }
});

test('without a real keyring nothing is offered, each with its reason, and nothing is ever written', (t) => {
  const cases: Array<[string, Encryptor | undefined, string]> = [
    // safeStorage says it can encrypt under basic_text: with a key built into Chromium.
    ['basic_text', fakeSafeStorage('basic_text'), 'no_keyring'],
    ['basic_text that cannot even encrypt', fakeSafeStorage('basic_text', { encryptionAvailable: false }), 'no_keyring'],
    ['unknown (asked before ready)', fakeSafeStorage('unknown'), 'keyring_unknown'],
    ['a backend name Postern does not know', fakeSafeStorage('gnome_keyring'), 'keyring_unknown'],
    ['no backend method at all on Linux', fakeSafeStorage(undefined), 'keyring_unknown'],
    ['a keyring that cannot encrypt now', fakeSafeStorage('kwallet5', { encryptionAvailable: false }), 'encryption_unavailable'],
    ['browser mode: no safeStorage', undefined, 'browser_mode'],
  ];
  for (const [name, encryptor, reason] of cases) {
    const dir = tempDir(t);
    const store = createCredentialStore(dir, encryptor, 'linux');
    assert.deepEqual(store.support, { available: false, reason }, name);
    store.save('p1', ALICE);
    assert.deepEqual(readdirSync(dir), [], name);
    assert.equal(store.load('p1'), undefined, name);
  }
});

test('passwords saved before keyrings were recorded, or under basic_text, are deleted on Linux, never decrypted', (t) => {
  for (const backend of ['basic_text', 'gnome_libsecret']) {
    const dir = tempDir(t);
    writeLegacyFile(dir, {
      legacy: { username: 'alice', password: encrypted('from an older Postern') },
      weak: { username: 'bob', password: encrypted('under basic_text'), keyring: 'basic_text' },
      kept: { username: 'carol', password: encrypted('under kwallet5'), keyring: 'kwallet5' },
    });
    const safeStorage = fakeSafeStorage(backend);
    const store = createCredentialStore(dir, safeStorage, 'linux');
    for (const id of ['legacy', 'weak']) {
      assert.equal(store.load(id), undefined, `${id} under ${backend}`);
      assert.equal(store.usernameOf(id), undefined, `${id} under ${backend}`);
    }
    assert.equal(safeStorage.decryptions, 0, 'nothing was decrypted');
    const left = JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(left), ['kept'], `under ${backend}: only the one saved under a keyring is left on disk`);
  }
});

test('a password is read back only under the keyring it was saved with', (t) => {
  const dir = tempDir(t);
  createCredentialStore(dir, fakeSafeStorage('kwallet5'), 'linux').save('p1', ALICE);
  const noKeyring = createCredentialStore(dir, fakeSafeStorage('basic_text'), 'linux');
  assert.equal(noKeyring.load('p1'), undefined, 'a session without the keyring does not read it');
  assert.equal(noKeyring.usernameOf('p1'), undefined, 'nor shows it as saved');
  assert.equal(createCredentialStore(dir, fakeSafeStorage('gnome_libsecret'), 'linux').load('p1'), undefined, 'another keyring does not read it');
  assert.deepEqual(createCredentialStore(dir, fakeSafeStorage('kwallet5'), 'linux').load('p1'), ALICE, 'kept meanwhile, and read when the keyring is back');
});

test('on macOS, passwords saved before keyrings were recorded are still read (the Keychain was the only one)', (t) => {
  const dir = tempDir(t);
  writeLegacyFile(dir, { p1: { username: 'alice', password: encrypted('correct horse') } });
  assert.deepEqual(createCredentialStore(dir, fakeSafeStorage(undefined), 'darwin').load('p1'), ALICE);
});

test('a password that no longer decrypts (another OS key) or a damaged file reads as nothing saved', (t) => {
  const dir = tempDir(t);
  createCredentialStore(dir, fakeSafeStorage('gnome_libsecret'), 'linux').save('p1', { username: 'alice', password: 'pw' });
  const failing: Encryptor = { ...fakeSafeStorage('gnome_libsecret'), decryptString: () => { throw new Error('wrong key'); } };
  assert.equal(createCredentialStore(dir, failing, 'linux').load('p1'), undefined);
  for (const damaged of ['{not json', 'null', '["a"]', '{"p1": 3}']) {
    writeFileSync(join(dir, 'credentials.json'), damaged);
    assert.equal(createCredentialStore(dir, fakeSafeStorage('gnome_libsecret'), 'linux').load('p1'), undefined, damaged);
  }
});
