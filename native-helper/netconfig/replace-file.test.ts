import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMountPoint } from './mount-point';
import { followSymlinks, replaceFileContents, writeFileInPlace } from './replace-file';
import { restoreFile } from './restore-file';

async function base(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'postern-replace-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('replaceFileContents renames a new 0644 file over the old one and leaves no temp file', async (t) => {
  const dir = await base(t);
  const path = join(dir, 'resolv.conf');
  await writeFile(path, 'old\n', { mode: 0o600 });
  const before = (await stat(path)).ino;
  assert.equal(await replaceFileContents(path, Buffer.from('new contents\n'), 0o644), 'renamed');
  assert.equal(await readFile(path, 'utf8'), 'new contents\n');
  assert.notEqual((await stat(path)).ino, before, 'a new inode: readers saw the old file or the new one, never a mix');
  assert.equal((await stat(path)).mode & 0o777, 0o644);
  assert.deepEqual(await readdir(dir), ['resolv.conf']);
});

test('in place (a mount point): the same inode, the exact new bytes, shorter or longer', async (t) => {
  const dir = await base(t);
  const path = join(dir, 'resolv.conf');
  await writeFile(path, 'a long original file\nwith two lines\n');
  const inode = (await stat(path)).ino;
  await writeFileInPlace(path, Buffer.from('short\n'));
  assert.equal(await readFile(path, 'utf8'), 'short\n');
  await writeFileInPlace(path, Buffer.from('longer than before, much longer\n'));
  assert.equal(await readFile(path, 'utf8'), 'longer than before, much longer\n');
  assert.equal((await stat(path)).ino, inode);
});

test('through a symlink the file it names gets the bytes and the link stays; a restore puts them back there', async (t) => {
  const dir = await base(t);
  const stub = join(dir, 'run', 'stub-resolv.conf');
  await writeFile(join(dir, 'backup'), 'nameserver 127.0.0.53\n');
  await mkdir(join(dir, 'run'));
  await writeFile(stub, 'nameserver 127.0.0.53\n');
  const link = join(dir, 'resolv.conf');
  await symlink('run/stub-resolv.conf', link);
  assert.equal(await followSymlinks(link), stub);
  await replaceFileContents(link, Buffer.from('nameserver 10.8.0.53\n'), 0o644);
  assert.ok((await lstat(link)).isSymbolicLink());
  assert.equal(await readlink(link), 'run/stub-resolv.conf');
  assert.equal(await readFile(stub, 'utf8'), 'nameserver 10.8.0.53\n');
  assert.equal(await restoreFile(link, join(dir, 'backup')), undefined);
  assert.equal(await readFile(stub, 'utf8'), 'nameserver 127.0.0.53\n');
  assert.ok((await lstat(link)).isSymbolicLink());
  // A file that did not exist is removed on undo; a dangling link stays the dangling link it was.
  await rm(stub);
  await replaceFileContents(link, Buffer.from('nameserver 10.8.0.53\n'), 0o644);
  assert.equal(await restoreFile(link, null), undefined);
  assert.ok((await lstat(link)).isSymbolicLink());
  await assert.rejects(stat(stub), /ENOENT/);
});

test('isMountPoint reads field 5 of mountinfo, octal escapes included', async (t) => {
  const dir = await base(t);
  const info = join(dir, 'mountinfo');
  await writeFile(info, [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '640 22 8:1 /etc/netns/ns1/resolv.conf /etc/resolv.conf rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '641 22 0:5 / /mnt/with\\040space rw - tmpfs tmpfs rw',
  ].join('\n'));
  assert.equal(await isMountPoint('/etc/resolv.conf', info), true);
  assert.equal(await isMountPoint('/mnt/with space', info), true);
  assert.equal(await isMountPoint('/etc/hosts', info), false);
  assert.equal(await isMountPoint('/etc/resolv.conf', join(dir, 'missing')), false);
});
