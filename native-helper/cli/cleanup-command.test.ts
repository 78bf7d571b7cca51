import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCleanup } from './cleanup-command';
import type { CleanupDependencies } from './cleanup-command';
import { tryLock, networkLockPath } from '../service/process-lock';
import { addonSkipReason } from '../addon/addon-test-prerequisites';

// The locks are flock()s taken through the addon.
const skip = addonSkipReason({ root: false });

function bufferIo(): { out: string[]; err: string[]; io: { out(text: string): void; err(text: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (text) => out.push(text), err: (text) => err.push(text) } };
}

function fakes(runDir: string, calls: string[]): CleanupDependencies {
  return {
    uid: 0,
    env: { POSTERN_SOCKET: join(runDir, 'postern.sock') },
    runDir,
    journalDir: join(runDir, 'journal'),
    rollback: async (dir) => { calls.push(`rollback ${dir}`); return []; },
    removeKillSwitchTable: async () => { calls.push('remove table'); return { ok: true, removed: true }; },
  };
}

test('cleanup refuses to run as a normal user, and takes no arguments', async () => {
  const calls: string[] = [];
  const user = bufferIo();
  assert.equal(await runCleanup([], user.io, { ...fakes('/nonexistent', calls), uid: 1000 }), 1);
  assert.match(user.err.join(''), /runs as root/);
  const usage = bufferIo();
  assert.equal(await runCleanup(['now'], usage.io, fakes('/nonexistent', calls)), 2);
  assert.deepEqual(calls, []);
});

test('with nothing running, cleanup replays stale journals and removes the kill switch table', { skip }, async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'postern-cleanup-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  // Lock files left by processes that have stopped: nobody holds them.
  writeFileSync(join(runDir, 'helper.lock'), '123\n', { mode: 0o644 });
  const calls: string[] = [];
  const { io, err } = bufferIo();
  assert.equal(await runCleanup([], io, fakes(runDir, calls)), 0, err.join(''));
  assert.deepEqual(calls, [`rollback ${join(runDir, 'journal')}`, 'remove table']);
  assert.match(err.join(''), /lifted the kill switch \(deleted the nftables table inet postern\)/);
});

test('while a helper or a tunnel holds its lock, cleanup changes nothing and says who runs', { skip }, async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'postern-cleanup-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  for (const lock of [join(runDir, 'helper.lock'), networkLockPath(runDir)]) {
    const held = tryLock(lock);
    assert.ok(held.ok);
    const calls: string[] = [];
    const { io, err } = bufferIo();
    // flock locks belong to the open file: a second open in this same process is refused like another process would be.
    assert.equal(await runCleanup([], io, fakes(runDir, calls)), 1);
    assert.match(err.join(''), new RegExp(`still runs: pid ${process.pid}.*stop it first`));
    assert.deepEqual(calls, []);
    held.value.release();
  }
});
