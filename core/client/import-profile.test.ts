import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importProfile } from './import-profile';
import { isConnectable, parseProfile } from '../config/index';
import { FAKE_CERT, FAKE_KEY } from '../config/test-kit';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'config', 'fixtures');

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'postern-import-'));
}

test('an imported profile is self-contained: its text parses to the same profile without any file', () => {
  const imported = importProfile(join(fixtures, 'file-refs', 'file-refs.ovpn'));
  assert.ok(imported.ok);
  const { selfContainedText, profile, name } = imported.value;
  assert.equal(name, 'file-refs');
  assert.ok(selfContainedText !== undefined && !selfContainedText.includes('ca.crt'));
  const again = parseProfile(selfContainedText);
  assert.deepEqual(again.problems, []);
  assert.ok(isConnectable(again));
  assert.deepEqual(JSON.parse(JSON.stringify({ ...again.profile, remotes: [] })), JSON.parse(JSON.stringify({ ...profile, remotes: [] })));
  assert.equal(again.profile?.tls.key?.reveal(), profile?.tls.key?.reveal());
  assert.equal(again.profile?.auth.password?.reveal(), profile?.auth.password?.reveal());
  const wrap = again.profile?.tls.wrap;
  assert.equal(wrap?.kind === 'tls-auth' ? wrap.direction : undefined, 1);
});

test('a binary pkcs12, an askpass file and proxy credentials survive the round trip', () => {
  const imported = importProfile(join(fixtures, 'pkcs12-file', 'pkcs12-file.ovpn'));
  assert.ok(imported.ok && imported.value.selfContainedText !== undefined);
  const again = parseProfile(imported.value.selfContainedText);
  assert.deepEqual(again.problems, []);
  assert.equal(again.profile?.tls.pkcs12?.reveal(), imported.value.profile?.tls.pkcs12?.reveal());
  assert.equal(again.profile?.auth.keyPassphrase?.reveal(), 'FAKE-passphrase');
  assert.equal(again.profile?.proxy?.credentials?.password.reveal(), 'FAKE-proxy-password');
});

test('the CLI reads files outside the folder too (absolute, .., a symlink out), with the caller\'s rights; a folder or a FIFO is not read', () => {
  const dir = scratch();
  try {
    const outside = join(dir, 'outside.crt');
    writeFileSync(outside, FAKE_CERT);
    writeFileSync(join(dir, 'creds.txt'), 'FAKE-user\nFAKE-pass\n');
    mkdirSync(join(dir, 'profile'));
    mkdirSync(join(dir, 'profile', 'sub'));
    symlinkSync(outside, join(dir, 'profile', 'ca.crt'));
    execFileSync('mkfifo', [join(dir, 'profile', 'fifo')]);
    const write = (body: string): string => {
      writeFileSync(join(dir, 'profile', 'p.ovpn'), `client\ndev tun\nremote a\n${body}\n<key>\n${FAKE_KEY}</key>\n`);
      return join(dir, 'profile', 'p.ovpn');
    };
    const linked = importProfile(write(`ca ca.crt\ncert ${outside}\nauth-user-pass ../creds.txt`));
    assert.ok(linked.ok);
    assert.deepEqual(linked.value.problems.filter((p) => p.severity === 'error'), []);
    assert.equal(linked.value.profile?.tls.ca, FAKE_CERT);
    assert.equal(linked.value.profile?.auth.password?.reveal(), 'FAKE-pass');
    assert.deepEqual(linked.value.withheldFiles, []);
    const again = parseProfile(linked.value.selfContainedText ?? '');
    assert.ok(isConnectable(again), 'the text sent to the helper names no file');
    const notFiles = importProfile(write('ca sub\ncert fifo\nextra-certs /nonexistent/x.crt'));
    assert.ok(notFiles.ok);
    assert.deepEqual(notFiles.value.problems.map((p) => `${p.line} ${p.code}`), ['4 config.file_unreadable', '5 config.file_unreadable', '6 config.file_not_found']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('oversize files are rejected without being read whole; unreadable paths are import errors', () => {
  const dir = scratch();
  try {
    writeFileSync(join(dir, 'big.ovpn'), Buffer.alloc(3 * 1024 * 1024, 0x23));
    const big = importProfile(join(dir, 'big.ovpn'));
    assert.ok(big.ok);
    assert.deepEqual(big.value.problems.map((p) => p.code), ['config.profile_too_large']);
    assert.equal(big.value.selfContainedText, undefined);
    writeFileSync(join(dir, 'p.ovpn'), 'client\nca big.crt\n');
    writeFileSync(join(dir, 'big.crt'), Buffer.alloc(2 * 1024 * 1024, 0x41));
    const bigFile = importProfile(join(dir, 'p.ovpn'));
    assert.ok(bigFile.ok);
    assert.ok(bigFile.value.problems.some((p) => p.code === 'config.file_too_large' && p.line === 2));
    assert.equal(importProfile(join(dir, 'missing.ovpn')).ok, false);
    assert.equal(importProfile(dir).ok, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('socks-proxy\'s authfile beside the profile is inlined as <socks-proxy-user-pass>; a symlink out of the folder is not read', () => {
  const dir = scratch();
  try {
    mkdirSync(join(dir, 'profile'));
    const profileText = `client\ndev tun\nremote vpn.example.com 1194 udp\nsocks-proxy 10.0.0.9 1080 socks.txt\n<ca>\n${FAKE_CERT}</ca>\n<cert>\n${FAKE_CERT}</cert>\n<key>\n${FAKE_KEY}</key>\n`;
    writeFileSync(join(dir, 'profile', 'vpn.ovpn'), profileText);
    writeFileSync(join(dir, 'profile', 'socks.txt'), 'sockuser\nFAKE-socks-password\n');
    const imported = importProfile(join(dir, 'profile', 'vpn.ovpn'));
    assert.ok(imported.ok && imported.value.selfContainedText !== undefined);
    assert.ok(!imported.value.selfContainedText.includes('socks.txt'));
    const again = parseProfile(imported.value.selfContainedText);
    assert.deepEqual(again.problems, []);
    assert.equal(again.profile?.socksProxy?.credentials?.username, 'sockuser');
    assert.equal(again.profile?.socksProxy?.credentials?.password.reveal(), 'FAKE-socks-password');
    assert.equal(again.profile?.remotes[0]?.socksProxy?.port, 1080);

    writeFileSync(join(dir, 'secret.txt'), 'root\nFAKE-elsewhere\n');
    rmSync(join(dir, 'profile', 'socks.txt'));
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'profile', 'socks.txt'));
    // The CLI reads with the caller's own rights, so a link out is followed like an absolute name
    // would be (the app's import treats it as outside: electron/profiles/import-files.ts).
    const linked = importProfile(join(dir, 'profile', 'vpn.ovpn'));
    assert.ok(linked.ok);
    assert.deepEqual(linked.value.problems, []);
    assert.equal(parseProfile(linked.value.selfContainedText ?? '').profile?.socksProxy?.credentials?.username, 'root');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
