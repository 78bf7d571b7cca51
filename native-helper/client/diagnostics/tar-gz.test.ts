import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tarGz } from './tar-gz';

test('tarGz: GNU tar lists and extracts the files byte for byte (empty, multi-block, UTF-8, nested)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-tar-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const entries = [
    { name: 'd/empty.txt', text: '' },
    { name: 'd/block.txt', text: 'x'.repeat(512) },
    { name: 'd/sub/long.txt', text: `${'é line\n'.repeat(300)}end` },
  ];
  writeFileSync(join(dir, 'a.tar.gz'), tarGz(entries, Date.UTC(2025, 0, 2)));
  const listed = spawnSync('tar', ['-tzf', join(dir, 'a.tar.gz')], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual(listed.stdout.trim().split('\n'), entries.map((e) => e.name));
  const extracted = spawnSync('tar', ['-xzf', join(dir, 'a.tar.gz'), '-C', dir], { encoding: 'utf8' });
  assert.equal(extracted.status, 0, extracted.stderr);
  for (const entry of entries) assert.equal(readFileSync(join(dir, entry.name), 'utf8'), entry.text);
});

test('tarGz refuses a name ustar cannot hold', () => {
  assert.throws(() => tarGz([{ name: 'x'.repeat(101), text: '' }], 0));
  assert.throws(() => tarGz([{ name: 'bad\nname', text: '' }], 0));
});
