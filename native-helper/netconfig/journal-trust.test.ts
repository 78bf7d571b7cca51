import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from './journal';
import { ensureJournalFolder } from './journal-trust';

async function base(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'postern-trust-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

test('creating the journal folder makes missing parents 0755 and only the folder 0700, whatever the umask', async (t) => {
  const root = await base(t);
  const previous = process.umask(0o077); // would turn a plain mkdir -p into 0700 all the way up
  t.after(() => { process.umask(previous); });
  const dir = join(root, 'run', 'postern', 'journal');
  const created = await Journal.create(dir, 'tun7');
  assert.ok(created.ok, JSON.stringify(!created.ok && created.error));
  assert.equal(await modeOf(join(root, 'run')), 0o755);
  assert.equal(await modeOf(join(root, 'run', 'postern')), 0o755, 'desktop users still reach /run/postern/postern.sock');
  assert.equal(await modeOf(dir), 0o700);
  assert.equal(await modeOf(created.value.path), 0o600);
});

test('existing parents and an existing trusted folder keep their modes', async (t) => {
  const root = await base(t);
  const parent = join(root, 'postern');
  await mkdir(parent, { mode: 0o711 });
  await chmod(parent, 0o711);
  await mkdir(join(parent, 'journal'), { mode: 0o750 });
  await chmod(join(parent, 'journal'), 0o750);
  await ensureJournalFolder(join(parent, 'journal'));
  assert.equal(await modeOf(parent), 0o711);
  assert.equal(await modeOf(join(parent, 'journal')), 0o750);
});

test('an existing folder others can write is refused, not quietly fixed', async (t) => {
  const root = await base(t);
  const dir = join(root, 'journal');
  await mkdir(dir);
  await chmod(dir, 0o777);
  await assert.rejects(ensureJournalFolder(dir), /refusing to journal: journal folder .* writable by group or others \(mode 777\)/);
  assert.equal(await modeOf(dir), 0o777);
});
