import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJournal, encodeJournalRecord } from './journal-codec';
import { Journal } from './journal';
import { rollbackStaleJournals } from './rollback-stale-journals';
import { undoNetwork } from './undo-network';
import type { CommandRunner, NetconfigRunners } from './command-runner';

const HEADER = { kind: 'header', version: 1, pid: 42, pidStartTicks: '7', tunName: 'tun7', createdAtMs: 1 } as const;

test('decodeJournal: undo records minus cancelled ones, in order; a torn last line is counted', () => {
  const text = [
    encodeJournalRecord(HEADER),
    encodeJournalRecord({ kind: 'undo', id: 1, action: { kind: 'ip', argv: ['link', 'set', 'dev', 'tun7', 'down'] } }),
    encodeJournalRecord({ kind: 'undo', id: 2, action: { kind: 'ip', argv: ['route', 'del', '10.0.0.0/8'] } }),
    encodeJournalRecord({ kind: 'cancel', id: 2 }),
    encodeJournalRecord({ kind: 'undo', id: 3, action: { kind: 'restore-file', path: '/etc/resolv.conf', backupPath: null } }),
    '{"kind":"undo","id":4,"act',
  ].join('');
  const decoded = decodeJournal(text);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value.header, HEADER);
  assert.deepEqual(decoded.value.actions.map((entry) => entry.id), [1, 3]);
  assert.equal(decoded.value.damagedLines, 1);
});

test('decodeJournal: no header is an error; records of the wrong shape are damage, not throws', () => {
  assert.equal(decodeJournal('').ok, false);
  assert.equal(decodeJournal('{"kind":"undo","id":1,"action":{"kind":"ip","argv":[]}}\n').ok, false);
  const odd = decodeJournal(`${encodeJournalRecord(HEADER)}{"kind":"undo","id":1,"action":{"kind":"ip","argv":[1]}}\n[]\n{"kind":"undo","id":"x"}\n{"kind":"undo","id":2,"action":{"kind":"shell","argv":["rm"]}}\n`);
  assert.ok(odd.ok);
  assert.deepEqual(odd.value.actions, []);
  assert.equal(odd.value.damagedLines, 4);
});

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'postern-journal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'journal');
}

function recorder(failOn?: RegExp): { runners: NetconfigRunners; calls: string[] } {
  const calls: string[] = [];
  const run = (program: string): CommandRunner => async (argv) => {
    calls.push(`${program} ${argv.join(' ')}`);
    if (failOn?.test(argv.join(' '))) return { ok: false, stderr: 'RTNETLINK answers: Operation not permitted', exitCode: 2 };
    if (argv.includes('gone')) return { ok: false, stderr: 'Cannot find device "gone"', exitCode: 1 };
    return { ok: true, stdout: '' };
  };
  return { runners: { runIp: run('ip'), runResolvectl: run('resolvectl') }, calls };
}

test('Journal: 0600 file in a 0700 directory; undoNetwork runs it backwards, tolerates gone, removes it', async (t) => {
  const dir = await tempDir(t);
  const created = await Journal.create(dir, 'tun7');
  assert.ok(created.ok);
  const journal = created.value;
  assert.equal((await stat(journal.path)).mode & 0o777, 0o600);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  await journal.recordUndo({ kind: 'ip', argv: ['link', 'set', 'dev', 'tun7', 'down'] });
  await journal.recordUndo({ kind: 'ip', argv: ['route', 'del', '10.20.0.0/16', 'dev', 'gone'] });
  const cancelled = await journal.recordUndo({ kind: 'ip', argv: ['route', 'del', '10.30.0.0/16', 'via', '10.8.0.1', 'dev', 'tun7'] });
  assert.ok(cancelled.ok);
  await journal.cancel(cancelled.value);
  await journal.recordUndo({ kind: 'resolvectl', argv: ['revert', 'tun7'] });
  const { runners, calls } = recorder();
  const report = await undoNetwork(journal, runners);
  assert.deepEqual(calls, ['resolvectl revert tun7', 'ip route del 10.20.0.0/16 dev gone', 'ip link set dev tun7 down']);
  assert.deepEqual({ undone: report.undone, alreadyGone: report.alreadyGone, failures: report.failures, kept: report.kept }, { undone: 2, alreadyGone: 1, failures: [], kept: false });
  assert.deepEqual(await readdir(dir), []);
});

test('undoNetwork restores a file byte for byte; a real failure is reported, undo goes on, and the step stays owed', async (t) => {
  const dir = await tempDir(t);
  const created = await Journal.create(dir, 'tun7');
  assert.ok(created.ok);
  const journal = created.value;
  const target = join(dir, '..', 'resolv.conf');
  const original = Buffer.from('# original\r\nnameserver 192.0.2.53\n\u00e9\n');
  await writeFile(target, 'replaced\n');
  await writeFile(journal.sidecarPath('resolv-conf'), original);
  await journal.recordUndo({ kind: 'restore-file', path: target, backupPath: journal.sidecarPath('resolv-conf') });
  await journal.recordUndo({ kind: 'ip', argv: ['route', 'del', '10.66.0.0/16', 'via', '10.8.0.1', 'dev', 'tun7'] });
  const { runners } = recorder(/10\.66/);
  const report = await undoNetwork(journal, runners, { resolvConfPath: target });
  assert.equal(report.undone, 1);
  assert.match(report.failures[0] ?? '', /route del 10\.66\.0\.0\/16 via 10\.8\.0\.1 dev tun7: RTNETLINK answers: Operation not permitted/);
  assert.deepEqual({ owed: report.owed, kept: report.kept }, { owed: 1, kept: true });
  assert.deepEqual(await readFile(target), original);
  // The restore is done, so its backup went with its record; the failed route is all that is left.
  assert.deepEqual(await readdir(dir), [journal.path.slice(dir.length + 1)]);
});

test('rollbackStaleJournals skips a journal whose writer still runs and undoes one whose writer is gone', async (t) => {
  const dir = await tempDir(t);
  const live = await Journal.create(dir, 'tunlive');
  assert.ok(live.ok);
  await live.value.recordUndo({ kind: 'ip', argv: ['link', 'set', 'dev', 'tunlive', 'down'] });
  // A dead writer: a pid with a start time that no running process has.
  const deadPath = join(dir, 'tundead-1-abcdef.journal');
  await writeFile(deadPath, encodeJournalRecord({ ...HEADER, pid: process.pid, pidStartTicks: 'not-a-start-time', tunName: 'tundead' })
    + encodeJournalRecord({ kind: 'undo', id: 1, action: { kind: 'ip', argv: ['link', 'set', 'dev', 'tundead', 'down'] } }), { mode: 0o600 });
  const { runners, calls } = recorder();
  const reports = await rollbackStaleJournals(dir, runners);
  assert.deepEqual(calls, ['ip link set dev tundead down']);
  assert.deepEqual(reports.map((report) => report.journalPath), [deadPath]);
  assert.deepEqual(await readdir(dir), [live.value.path.slice(dir.length + 1)]);
  assert.deepEqual(await rollbackStaleJournals(join(dir, 'missing'), runners), []);
});

test('a dead writer\'s journal from another namespace: left alone while that namespace lives, removed (not replayed) once it is gone', async (t) => {
  const dir = await tempDir(t);
  await mkdir(dir, { recursive: true });
  const foreignPath = join(dir, 'tunother-1-abcdef.journal');
  await writeFile(foreignPath, encodeJournalRecord({ ...HEADER, pid: process.pid, pidStartTicks: 'not-a-start-time', tunName: 'tunother', netns: 'net:[1]' })
    + encodeJournalRecord({ kind: 'undo', id: 1, action: { kind: 'ip', argv: ['link', 'set', 'dev', 'tunother', 'down'] } }), { mode: 0o600 });
  const { runners, calls } = recorder();
  assert.deepEqual(await rollbackStaleJournals(dir, runners, { namespacesInUse: async () => new Set(['net:[1]']) }), []);
  assert.deepEqual(await readdir(dir), ['tunother-1-abcdef.journal'], 'its routes live in that namespace; a helper there will undo them');
  const reports = await rollbackStaleJournals(dir, runners, { namespacesInUse: async () => new Set() });
  assert.deepEqual(reports.map((r) => r.undone), [0]);
  assert.deepEqual(calls, [], 'nothing is replayed here: replaying would touch our own namespace');
  assert.deepEqual(await readdir(dir), []);
});
