import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labSkipReason, type LabProbe } from './prerequisites';

const everythingThere: LabProbe = { env: {}, isRoot: () => true, hasTool: () => true, hasTunDevice: () => true };
const withoutNft: Partial<LabProbe> = { ...everythingThere, hasTool: (name) => name !== 'nft' };

test('all prerequisites present: no skip reason', () => {
  assert.equal(labSkipReason(everythingThere), undefined);
  assert.equal(labSkipReason({ ...everythingThere, env: { CI: 'true' } }), undefined);
});

test('a missing tool outside CI: a one-line skip reason naming it', () => {
  const reason = labSkipReason(withoutNft);
  assert.match(reason ?? '', /nft/);
  assert.ok(!reason?.includes('\n'));
  assert.match(labSkipReason({ ...everythingThere, isRoot: () => false }) ?? '', /root/);
  assert.match(labSkipReason({ ...everythingThere, hasTunDevice: () => false }) ?? '', /\/dev\/net\/tun/);
});

test('a missing tool under CI=true: throws instead of skipping', () => {
  assert.throws(() => labSkipReason({ ...withoutNft, env: { CI: 'true' } }), /CI must run the lab tests.*nft/);
  assert.throws(() => labSkipReason({ ...everythingThere, isRoot: () => false, env: { CI: '1' } }), /root/);
});

test('CI=false counts as not CI; POSTERN_SKIP_LAB is the one explicit skip', () => {
  assert.match(labSkipReason({ ...withoutNft, env: { CI: 'false' } }) ?? '', /nft/);
  assert.equal(labSkipReason({ ...withoutNft, env: { CI: 'true', POSTERN_SKIP_LAB: '1' } }), 'POSTERN_SKIP_LAB is set');
});
