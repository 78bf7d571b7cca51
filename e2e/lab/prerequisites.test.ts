import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labSkipReason, serverVersionSkipReason, type LabProbe } from './prerequisites';

const everythingThere: LabProbe = { env: {}, isRoot: () => true, hasTool: () => true, hasTunDevice: () => true, isExecutable: () => true };
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

test('a server version whose lab build is missing: skips with the path and the command that builds it; throws under CI', () => {
  const noBuilds: Partial<LabProbe> = { ...everythingThere, env: { POSTERN_LAB_OPENVPN_ROOT: '/nowhere' }, isExecutable: () => false };
  assert.equal(serverVersionSkipReason('2.6', noBuilds), undefined, '2.6 is the apt package, checked with the tools');
  const reason = serverVersionSkipReason('2.7', noBuilds) ?? '';
  assert.match(reason, /openvpn 2\.7\.8 server is not at \/nowhere\/openvpn-2\.7\.8\/sbin\/openvpn/);
  assert.match(reason, /scripts\/lab-openvpn-builds\.sh/);
  assert.equal(serverVersionSkipReason('2.5', { ...noBuilds, isExecutable: (path) => path.includes('2.5.1') }), undefined);
  assert.throws(() => serverVersionSkipReason('2.5', { ...noBuilds, env: { ...noBuilds.env, CI: 'true' } }), /CI must run.*2\.5\.1/);
  assert.match(serverVersionSkipReason('2.5', { ...noBuilds, isRoot: () => false }) ?? '', /root/, 'the lab reason comes first');
});

test('the 2.4 build is optional: missing, it skips with its path even under CI (its archive may not answer)', () => {
  const noBuilds: Partial<LabProbe> = { ...everythingThere, env: { POSTERN_LAB_OPENVPN_ROOT: '/nowhere', CI: 'true' }, isExecutable: () => false };
  assert.match(serverVersionSkipReason('2.4', noBuilds) ?? '', /openvpn 2\.4\.7 server is not at \/nowhere\/openvpn-2\.4\.7\/sbin\/openvpn/);
  assert.equal(serverVersionSkipReason('2.4', { ...noBuilds, isExecutable: (path) => path.includes('2.4.7') }), undefined);
});
