import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(repo, 'core', 'config', 'fixtures');

/** The real command, as a user runs it: node bin/postern.mjs … */
function postern(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(repo, 'bin', 'postern.mjs'), ...args], { encoding: 'utf8', cwd: repo, timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same entry point in-process, for the cheap usage cases. */
async function inProcess(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

test('check on a connectable profile: exit 0 and a summary', () => {
  const run = postern('check', join(fixtures, 'connection-blocks.ovpn'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /can connect/);
  assert.match(run.stdout, /beta\.example\.com:443\/tcp via HTTP proxy proxy\.example\.com:8080/);
  assert.match(run.stdout, /Control channel: tls-auth \(key direction 1\)/);
  assert.match(run.stdout, /connection-blocks\.ovpn:5:1 config\.remote_ignored_with_connections \[warning\]/);
});

test('check on a dev tap profile: exit 0, the device named, and the note on DHCP in the problem list', () => {
  const file = join(fixtures, 'tap-device.ovpn');
  const run = postern('check', file);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^ {2}Device: {10}tap \(Ethernet frames, ARP by the kernel; the server must push the address: no DHCP on the device\)$/m);
  assert.ok(run.stdout.includes(`${file}:2:5 config.tap_limits [info] dev tap: Postern carries Ethernet frames`), run.stdout);
});

test('check on a broken profile: exit 1 and file:line:column code message (hint)', () => {
  const file = join(fixtures, 'unknown-directive.ovpn');
  const run = postern('check', file);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /cannot connect/);
  assert.ok(run.stdout.includes(`${file}:4:1 config.unknown_directive [error] remote-cert-tsl is not a directive Postern knows. (Did you mean remote-cert-tls?)`), run.stdout);
});

test('check --json prints one JSON object, without secrets', () => {
  const run = postern('check', '--json', join(fixtures, 'file-refs', 'file-refs.ovpn'));
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { connectable: boolean; summary: { clientAuth: string[]; asks: string[] }; problems: unknown[] };
  assert.equal(report.connectable, true);
  assert.deepEqual(report.summary.clientAuth, ['certificate', 'username and password']);
  assert.deepEqual(report.summary.asks, []);
  assert.ok(!run.stdout.includes('FAKE-password'));
  assert.ok(!run.stdout.includes('TEST KEY PLACEHOLDER'));
  const broken = postern('check', join(fixtures, 'server-config.ovpn'), '--json');
  assert.equal(broken.status, 1);
  assert.equal((JSON.parse(broken.stdout) as { connectable: boolean }).connectable, false);
});

test('a file of 524,000 unbalanced quotes: --json stays small and counts what it leaves out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'quotes.ovpn');
  writeFileSync(file, '"\n'.repeat(524_000)); // 1,048,000 bytes: just under the 1 MiB profile limit
  const run = postern('check', '--json', file);
  assert.equal(run.status, 1, run.stderr);
  assert.ok(run.stdout.length < 200 * 1024, `${run.stdout.length} bytes of JSON`);
  const report = JSON.parse(run.stdout) as { problems: Array<{ line: number; code: string }>; omittedProblems: number; summary: { errors: number } };
  assert.equal(report.problems.length, 200);
  assert.deepEqual(report.problems.slice(0, 2).map((p) => `${p.line} ${p.code}`), ['1 config.bad_quoting', '2 config.bad_quoting']);
  // 524,000 bad lines and 4 whole-profile errors (no client, no remote, no CA, no way to log in).
  assert.equal(report.omittedProblems, 524_004 - 200);
  assert.equal(report.summary.errors, 524_004, 'the summary counts every error, shown or not');
  const text = await inProcess('check', file);
  assert.equal(text.code, 1);
  assert.equal(text.out.trimEnd().split('\n').at(-1), '… and 523804 more problems not shown');
  assert.ok(text.out.length < 200 * 1024, `${text.out.length} bytes of text`);
});

test('a profile with few problems prints no "more problems" line, and omittedProblems 0', async () => {
  const file = join(fixtures, 'unknown-directive.ovpn');
  const text = await inProcess('check', file);
  assert.doesNotMatch(text.out, /more problem/);
  const json = await inProcess('check', '--json', file);
  assert.equal((JSON.parse(json.out) as { omittedProblems: number }).omittedProblems, 0);
});

test('usage errors and unreadable files exit 2', async () => {
  const missing = postern('check');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /usage: postern check PROFILE/);
  assert.equal((await inProcess('check', '--yaml', 'x.ovpn')).code, 2);
  assert.equal((await inProcess('check', 'a.ovpn', 'b.ovpn')).code, 2);
  const unreadable = await inProcess('check', join(fixtures, 'does-not-exist.ovpn'));
  assert.equal(unreadable.code, 2);
  assert.match(unreadable.err, /cannot be read/);
  assert.equal((await inProcess('check', fixtures)).code, 2);
});

test('postern without a known command exits 2; help exits 0', async () => {
  assert.equal((await inProcess()).code, 2);
  assert.equal((await inProcess('frobnicate')).code, 2);
  const help = await inProcess('help');
  assert.equal(help.code, 0);
  assert.match(help.out, /check PROFILE/);
});

test('check on a profile for an old server (BF-CBC, providers legacy default): the SWEET32 caution, and nothing refused', async () => {
  const run = await inProcess('check', join(fixtures, 'old-server-bf-cbc.ovpn'));
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /Data ciphers: {4}AES-256-GCM, BF-CBC/);
  assert.match(run.out, /Caution: {9}BF-CBC: 64-bit blocks, weak \(SWEET32\); Postern renews keys every 64 MB\. Ask the server's administrator to move to AES-256-GCM\./);
  assert.doesNotMatch(run.out, /Refused/);
  assert.match(run.out, /old-server-bf-cbc\.ovpn:4:\d+ config\.insecure_setting \[warning\] data-ciphers: BF-CBC has 64-bit blocks, which are weak \(SWEET32\)\./);
});
