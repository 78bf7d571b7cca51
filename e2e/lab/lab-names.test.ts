import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labNames, newLabId, parseLabName } from './lab-names';

test('lab ids fit interface names and carry the owner pid', () => {
  for (const pid of [1, 4242, 32768, 4_194_304]) {
    const id = newLabId(pid);
    for (const name of Object.values(labNames(id))) if (!name.endsWith('-s') && !name.endsWith('-c')) assert.ok(name.length <= 15, name);
    assert.deepEqual(parseLabName(`${id}-s`, /^-[sc]$/), { id, ownerPid: pid });
    assert.deepEqual(parseLabName(`${id}h`, /^h$/), { id, ownerPid: pid });
  }
});

test('ids are not reused within a process; foreign names are not ours', () => {
  const ids = new Set(Array.from({ length: 200 }, () => newLabId(77)));
  assert.equal(ids.size, 200);
  for (const name of ['pstbench28830', 'eth0', 'pst0015qaqp-x', 'pst0015qaqpsh']) {
    assert.equal(parseLabName(name, /^-[sc]$/), undefined, name);
    assert.equal(parseLabName(name, /^h$/), undefined, name);
  }
});
