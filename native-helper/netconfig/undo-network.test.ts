import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner, NetconfigRunners } from './command-runner';
import { decodeJournal, encodeJournalRecord, type JournalRecord } from './journal-codec';
import { Journal } from './journal';
import type { DnsPlan, UndoAction } from './network-plan-types';
import { ResolvConfBackend, renderResolvConf } from './resolv-conf-backend';
import { rollbackStaleJournals } from './rollback-stale-journals';
import { undoNetwork } from './undo-network';

// A dead writer: our pid with a start time no process has, so rollbackStaleJournals replays it.
const HEADER = { kind: 'header', version: 1, pid: process.pid, pidStartTicks: 'not-a-start-time', tunName: 'tun7', createdAtMs: 1 } as const;
const ORIGINAL = Buffer.from('# the machine\'s own resolver\nnameserver 192.0.2.53\nsearch home.example\n');
const RESOLV_CONF_DNS = { nameservers: ['10.8.0.53'], search: ['corp.example'] };
const DNS: DnsPlan = { source: 'dhcp-option', resolvConf: RESOLV_CONF_DNS };
const IS_ROOT = process.geteuid?.() === 0;
const NOBODY = 65534;

async function scratch(t: TestContext): Promise<{ base: string; dir: string; resolvConf: string }> {
  const base = await mkdtemp(join(tmpdir(), 'postern-undo-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const resolvConf = join(base, 'resolv.conf');
  await writeFile(resolvConf, ORIGINAL);
  return { base, dir: join(base, 'journal'), resolvConf };
}

/** Fake `ip`/`resolvectl`: records every call; `failOnce` fails the first matching call only (a transient error). */
function recorder(failOnce?: RegExp): { runners: NetconfigRunners; calls: string[] } {
  const calls: string[] = [];
  let failed = false;
  const run = (program: string): CommandRunner => async (argv) => {
    calls.push(`${program} ${argv.join(' ')}`);
    if (!failed && failOnce?.test(argv.join(' '))) {
      failed = true;
      return { ok: false, stderr: 'RTNETLINK answers: Operation not permitted', exitCode: 2 };
    }
    return { ok: true, stdout: '' };
  };
  return { runners: { runIp: run('ip'), runResolvectl: run('resolvectl') }, calls };
}

async function writeJournal(dir: string, name: string, records: JournalRecord[]): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  await writeFile(path, records.map(encodeJournalRecord).join(''), { mode: 0o600 });
  return path;
}

const undo = (id: number, action: UndoAction): JournalRecord => ({ kind: 'undo', id, action });

/**
 * Makes writing `path` fail: `chattr +i` as root (root ignores modes), a read-only folder
 * otherwise. Returns how to undo that, or undefined when neither works here.
 */
function freeze(path: string, folder: string): (() => Promise<void>) | undefined {
  if (!IS_ROOT) {
    execFileSync('chmod', ['0555', folder]);
    return async () => chmod(folder, 0o755);
  }
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
    return async () => { execFileSync('chattr', ['-i', path]); };
  } catch {
    return undefined;
  }
}

test('a failed undo keeps only the steps still owed (and the backup they need); the next start finishes and removes them', async (t) => {
  const { base, dir, resolvConf } = await scratch(t);
  const resolvFolder = join(base, 'etc');
  await mkdir(resolvFolder);
  const target = join(resolvFolder, 'resolv.conf');
  await writeFile(target, ORIGINAL);
  const created = await Journal.create(dir, 'tun7');
  assert.ok(created.ok);
  const journal = created.value;
  await journal.recordUndo({ kind: 'ip', argv: ['link', 'set', 'dev', 'tun7', 'down'] });
  await journal.recordUndo({ kind: 'ip', argv: ['route', 'del', '10.66.0.0/16', 'via', '10.8.0.1', 'dev', 'tun7'] });
  const applied = await new ResolvConfBackend(target).apply(DNS, 'tun7', journal);
  assert.ok(applied.ok && applied.value);
  await journal.recordUndo({ kind: 'ip', argv: ['addr', 'del', '10.8.0.2/24', 'dev', 'tun7'] });
  const postern = renderResolvConf(RESOLV_CONF_DNS, 'tun7');
  assert.equal(await readFile(target, 'utf8'), postern);

  const thaw = freeze(target, resolvFolder);
  if (!thaw) return t.skip('cannot make a file unwritable here (no chattr +i)');
  const { runners, calls } = recorder(/10\.66/);
  const first = await undoNetwork(journal, runners, { resolvConfPath: target });
  await thaw();
  assert.equal(first.undone, 2, JSON.stringify(first));
  assert.equal(first.failures.length, 2, first.failures.join('\n'));
  assert.match(first.failures.join('\n'), /route del 10\.66\.0\.0\/16 .*Operation not permitted/);
  assert.match(first.failures.join('\n'), /restore .*resolv\.conf/);
  assert.deepEqual({ owed: first.owed, kept: first.kept, refused: first.refused }, { owed: 2, kept: true, refused: [] });
  assert.equal(await readFile(target, 'utf8'), postern, 'the failed restore left the file whole');
  assert.deepEqual(await readdir(resolvFolder), ['resolv.conf'], 'and no temp file beside it');
  const kept = decodeJournal(await readFile(journal.path, 'utf8'));
  assert.ok(kept.ok);
  assert.equal(kept.value.header.pid, process.pid, 'the header is kept as written');
  assert.deepEqual(kept.value.actions.map(({ action }) => action.kind === 'ip' ? action.argv.join(' ') : action.kind), [
    'route del 10.66.0.0/16 via 10.8.0.1 dev tun7', 'restore-file',
  ]);
  assert.equal((await stat(journal.path)).mode & 0o777, 0o600);
  assert.deepEqual((await readdir(dir)).sort(), [journal.path.slice(dir.length + 1), `${journal.path.slice(dir.length + 1)}.resolv-conf`].sort());

  // While its owner (this process) lives, a start elsewhere leaves it alone…
  assert.deepEqual(await rollbackStaleJournals(dir, runners, { resolvConfPath: target }), []);
  assert.equal(calls.length, 3, 'nothing more ran');
  // …and once the owner is gone (stood in for here), the next start finishes it.
  const [second, ...more] = await rollbackStaleJournals(dir, runners, { resolvConfPath: target, isOwnerAlive: async () => false });
  assert.deepEqual(more, []);
  assert.deepEqual({ undone: second?.undone, failures: second?.failures, owed: second?.owed, kept: second?.kept }, { undone: 2, failures: [], owed: 0, kept: false });
  assert.deepEqual(calls.slice(-1), ['ip route del 10.66.0.0/16 via 10.8.0.1 dev tun7']);
  assert.deepEqual(await readFile(target), ORIGINAL);
  assert.deepEqual(await readdir(dir), [], 'journal and backup are gone once everything is undone');
  assert.deepEqual(await readFile(resolvConf), ORIGINAL);
});

test('a damaged header, or one of a version we do not write: kept byte for byte, nothing replayed', async (t) => {
  const { dir } = await scratch(t);
  const record = encodeJournalRecord(undo(1, { kind: 'ip', argv: ['link', 'set', 'dev', 'tun7', 'down'] }));
  const texts = [
    `{"kind":"header","version":1,"pid":"x"}\n${record}`,
    `garbage\n${record}`,
    `${encodeJournalRecord({ ...HEADER, version: 2 })}${record}`,
  ];
  const paths = await Promise.all(texts.map((text, index) => writeJournal(dir, `tun7-${index}.journal`, []).then(async (path) => {
    await writeFile(path, text);
    return path;
  })));
  const { runners, calls } = recorder();
  const reports = await rollbackStaleJournals(dir, runners);
  assert.deepEqual(calls, []);
  assert.deepEqual(reports.map((report) => report.kept), [true, true, true]);
  for (const report of reports) assert.match(report.failures.join(), /kept as it is, nothing replayed/);
  assert.match(reports[2]?.failures[0] ?? '', /version 2/);
  for (const [index, path] of paths.entries()) assert.equal(await readFile(path, 'utf8'), texts[index]);
});

test('a journal cut short before its header\'s newline owes nothing and is removed; unreadable lines further down are kept', async (t) => {
  const { dir } = await scratch(t);
  await writeJournal(dir, 'tun7-empty.journal', []);
  const torn = await writeJournal(dir, 'tun7-torn.journal', []);
  await writeFile(torn, '{"kind":"header","vers');
  const damaged = await writeJournal(dir, 'tun7-damaged.journal', [
    HEADER, undo(1, { kind: 'ip', argv: ['link', 'set', 'dev', 'tun7', 'down'] }),
  ]);
  await writeFile(damaged, `${await readFile(damaged, 'utf8')}{"kind":"undo","id":2,"action":{"kind":"future"}}\n`);
  const { runners, calls } = recorder();
  const reports = await rollbackStaleJournals(dir, runners);
  assert.deepEqual(calls, ['ip link set dev tun7 down']);
  assert.deepEqual(reports.map((report) => [report.journalPath.slice(dir.length + 1), report.kept]), [
    ['tun7-damaged.journal', true], ['tun7-empty.journal', false], ['tun7-torn.journal', false],
  ]);
  assert.deepEqual(await readdir(dir), ['tun7-damaged.journal']);
  assert.equal(await readFile(damaged, 'utf8'), `${encodeJournalRecord(HEADER)}{"kind":"undo","id":2,"action":{"kind":"future"}}\n`);
});

test('a journal file others could have written (group/world-writable, a symlink, another owner) is refused and left in place', async (t) => {
  const { base, dir } = await scratch(t);
  const records = [HEADER, undo(1, { kind: 'ip', argv: ['link', 'set', 'dev', 'tun7', 'down'] })];
  const groupWritable = await writeJournal(dir, 'a.journal', records);
  await chmod(groupWritable, 0o620);
  const worldWritable = await writeJournal(dir, 'b.journal', records);
  await chmod(worldWritable, 0o606);
  const elsewhere = await writeJournal(join(base, 'elsewhere'), 'real.journal', records);
  await symlink(elsewhere, join(dir, 'c.journal'));
  if (IS_ROOT) await chown(await writeJournal(dir, 'd.journal', records), NOBODY, NOBODY);
  const { runners, calls } = recorder();
  const reports = await rollbackStaleJournals(dir, runners);
  assert.deepEqual(calls, []);
  assert.deepEqual(reports.map((report) => report.kept), reports.map(() => true));
  const reasons = reports.map((report) => report.refused.join());
  assert.match(reasons[0] ?? '', /writable by group or others \(mode 620\)/);
  assert.match(reasons[1] ?? '', /writable by group or others \(mode 606\)/);
  assert.match(reasons[2] ?? '', /not a regular file/);
  if (IS_ROOT) assert.match(reasons[3] ?? '', /owned by uid 65534/);
  assert.deepEqual(await readdir(dir), IS_ROOT ? ['a.journal', 'b.journal', 'c.journal', 'd.journal'] : ['a.journal', 'b.journal', 'c.journal']);
  assert.deepEqual(await undoNetwork(groupWritable, runners).then((report) => report.kept), true, 'undoNetwork checks too');
  assert.deepEqual(calls, []);
});

test('a journal folder others can write is refused as a whole: nothing read, nothing run, nothing removed', async (t) => {
  const { dir } = await scratch(t);
  await writeJournal(dir, 'a.journal', [HEADER, undo(1, { kind: 'ip', argv: ['link', 'set', 'dev', 'tun7', 'down'] })]);
  const { runners, calls } = recorder();
  for (const mode of [0o770, 0o757]) {
    await chmod(dir, mode);
    const reports = await rollbackStaleJournals(dir, runners);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.journalPath, dir);
    assert.match(reports[0]?.refused[0] ?? '', /writable by group or others/);
    const created = await Journal.create(dir, 'tun7');
    assert.ok(!created.ok, 'nor is a new journal written there');
  }
  if (IS_ROOT) {
    await chmod(dir, 0o700);
    await chown(dir, NOBODY, NOBODY);
    assert.match((await rollbackStaleJournals(dir, runners))[0]?.refused[0] ?? '', /owned by uid 65534/);
  }
  assert.deepEqual(calls, []);
  assert.deepEqual(await readdir(dir), ['a.journal']);
});

test('forged records (commands the helper never writes, files other than resolv.conf) are refused: nothing runs, the journal stays', async (t) => {
  const { base, dir, resolvConf } = await scratch(t);
  const victim = join(base, 'victim');
  await writeFile(victim, 'precious\n');
  const otherSidecar = join(dir, 'other.journal.resolv-conf');
  const records = [
    HEADER,
    undo(1, { kind: 'ip', argv: ['route', 'add', 'default', 'via', '1.2.3.4'] }),
    undo(2, { kind: 'ip', argv: ['link', 'set', 'eth0', 'down'] }),
    undo(3, { kind: 'ip', argv: ['-batch', '/etc/shadow'] }),
    undo(4, { kind: 'resolvectl', argv: ['dns', 'tun7', '192.0.2.66'] }),
    // Never backed by a file that exists: a broken check still could not write anything.
    undo(5, { kind: 'restore-file', path: '/etc/shadow', backupPath: join(base, 'missing', 'x') }),
    undo(6, { kind: 'restore-file', path: victim, backupPath: null }),
    undo(7, { kind: 'restore-file', path: resolvConf, backupPath: join(base, 'missing', 'resolv.conf') }),
    undo(8, { kind: 'restore-file', path: resolvConf, backupPath: otherSidecar }),
    undo(9, { kind: 'restore-file', path: `${base}/../${base.split('/').at(-1)}/resolv.conf`, backupPath: null }),
  ];
  const path = await writeJournal(dir, 'tun7-forged.journal', records);
  const before = await readFile(path, 'utf8');
  const { runners, calls } = recorder();
  const [report] = await rollbackStaleJournals(dir, runners, { resolvConfPath: resolvConf });
  assert.deepEqual(calls, []);
  assert.equal(report?.refused.length, 9, report?.refused.join('\n'));
  assert.match(report?.refused.join('\n') ?? '', /record 1: ip route add default via 1\.2\.3\.4: not an undo command the helper writes/);
  assert.match(report?.refused.join('\n') ?? '', /record 5: restore \/etc\/shadow .*only .*resolv\.conf is ever restored/);
  assert.match(report?.refused.join('\n') ?? '', /record 8: .*not a sidecar of this journal/);
  assert.deepEqual({ kept: report?.kept, owed: report?.owed, undone: report?.undone }, { kept: true, owed: 0, undone: 0 });
  assert.equal(await readFile(path, 'utf8'), before, 'kept as written (the rewrite holds the same records)');
  assert.equal(await readFile(victim, 'utf8'), 'precious\n');
  assert.deepEqual(await readFile(resolvConf), ORIGINAL);
});

test('beside a refused record the rest still runs; the journal keeps only the refused one', async (t) => {
  const { dir } = await scratch(t);
  const path = await writeJournal(dir, 'tun7-mixed.journal', [
    HEADER,
    undo(1, { kind: 'ip', argv: ['link', 'set', 'dev', 'tun7', 'down'] }),
    undo(2, { kind: 'ip', argv: ['link', 'set', 'dev', 'eth0', 'down'] }),
    undo(3, { kind: 'resolvectl', argv: ['revert', 'tun7'] }),
  ]);
  const { runners, calls } = recorder();
  const [report] = await rollbackStaleJournals(dir, runners);
  assert.deepEqual(calls, ['resolvectl revert tun7', 'ip link set dev tun7 down']);
  assert.deepEqual({ undone: report?.undone, refused: report?.refused.length, kept: report?.kept }, { undone: 2, refused: 1, kept: true });
  const left = decodeJournal(await readFile(path, 'utf8'));
  assert.ok(left.ok);
  assert.deepEqual(left.value.actions, [{ id: 2, action: { kind: 'ip', argv: ['link', 'set', 'dev', 'eth0', 'down'] } }]);
});

test('the journal refuses to record what replay would refuse, so the step never runs', async (t) => {
  const { base, dir } = await scratch(t);
  const created = await Journal.create(dir, 'tun7');
  assert.ok(created.ok);
  for (const action of [
    { kind: 'ip', argv: ['route', 'add', 'default', 'via', '1.2.3.4'] },
    { kind: 'resolvectl', argv: ['revert', 'eth0'] },
    { kind: 'restore-file', path: '/etc/resolv.conf', backupPath: join(base, 'x') },
    { kind: 'restore-file', path: 'resolv.conf', backupPath: null },
  ] satisfies UndoAction[]) {
    const recorded = await created.value.recordUndo(action);
    assert.ok(!recorded.ok, JSON.stringify(action));
    assert.equal(recorded.error.code, 'netconfig.journal_failed');
  }
  assert.ok((await created.value.recordUndo({ kind: 'restore-file', path: '/etc/resolv.conf', backupPath: created.value.sidecarPath('resolv-conf') })).ok);
});
