import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logReader } from './log-reader';

test('reads a growing file incrementally, a split UTF-8 character included; restarts after truncation', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'postern-log-')), 'x.log');
  const read = logReader(file);
  assert.equal(read(), '');
  writeFileSync(file, 'line 1\n');
  assert.equal(read(), 'line 1\n');
  const euro = Buffer.from('€');
  appendFileSync(file, Buffer.concat([Buffer.from('line 2 '), euro.subarray(0, 1)]));
  assert.equal(read(), 'line 1\nline 2 ');
  appendFileSync(file, euro.subarray(1));
  assert.equal(read(), 'line 1\nline 2 €');
  writeFileSync(file, 'new\n');
  assert.equal(read(), 'new\n');
});
