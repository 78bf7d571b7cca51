// 2.7's epoch data keys (shared/protocol-2.7.md §1–§2) against the real OpenVPN 2.7.8 server:
// the format is agreed, traffic flows across many epochs in both directions, each renegotiated
// key starts its own chain, and the 2.6 server still gets the classic format.
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { connectLabClient, type LabClient } from '../../e2e/lab/lab-client';
import { labTest } from '../../e2e/lab/lab-test';
import { serverVersionSkipReason } from '../../e2e/lab/prerequisites';
import { mssLimit } from '../data/mss-limit';
import { DEFAULT_IV_PROTO, IV_PROTO } from '../keys/peer-info';

/** Low enough that a few seconds of pings cross several epochs (the real bound is 2^36 blocks). */
const ROTATE_PACKETS = 25;
const skip27 = serverVersionSkipReason('2.7');

for (const proto of ['udp', 'tcp'] as const) {
  labTest(`2.7 server over ${proto}: epoch keys agreed, traffic across several epochs both ways, a renegotiation starts a new chain`,
    { timeout: 120_000, skip: skip27 }, async (t) => {
      const lab = await startLab({ serverVersion: '2.7', proto, wrap: 'tls-crypt', serverConfig: ['reneg-sec 12'] });
      t.after(() => lab.stop());
      const client = await connectLabClient(lab, { epochRotatePackets: ROTATE_PACKETS });
      t.after(() => client.stop());

      // Agreed: the server pushed aead-epoch and set up epoch keys; the client says so once.
      assert.ok(client.info.config.protocolFlags.has('aead-epoch'), 'the server pushed aead-epoch');
      assert.match(lab.serverLog(), /peer info: IV_PROTO=1950\b/);
      assert.match(lab.serverLog(), /PUSH_REPLY,[^']*protocol-flags [a-z -]*aead-epoch/);
      assert.match(lab.serverLog(), /Outgoing Epoch Data key 1: Cipher 'AES-256-GCM'/);
      assert.equal(client.logs.filter((l) => l.message === 'Data channel: AES-256-GCM with epoch keys.' && l.level === 'info').length, 1);
      assertMssMatchesServer(lab, proto);

      // Traffic across epochs: 70 pings, 25 packets an epoch; the server follows each move and
      // moves its own send key along (2.7 jumps its sender to the newest epoch it received).
      const first = await client.ping({ count: 70, intervalMs: 60 });
      assert.ok(first.sent - first.answered <= 2, `answered ${first.answered}/${first.sent}; drops ${JSON.stringify(client.client.counters?.drops)}`);
      const epochs = client.client.session?.dataEpochs;
      assert.ok(epochs && epochs.send >= 3, `send epoch ${JSON.stringify(epochs)}`);
      assert.ok(epochs.receive >= 2, `the server's replies moved to newer epochs too: ${JSON.stringify(epochs)}`);
      for (const epoch of [2, 3]) assert.match(lab.serverLog(), new RegExp(`Received data packet with new epoch ${epoch}\\. Updating receive key`));
      assert.match(lab.serverLog(), /Outgoing Epoch Data key 3:/);
      t.diagnostic(`before renegotiation: epochs ${JSON.stringify(epochs)}`);

      // reneg-sec: key id 1 does a fresh EKM; the server's new chain starts at epoch 1 again.
      // Both ends keep sending on the old key for the deferred-auth window (the server's is
      // reneg-sec/2 = 6 s), so the pings run for 10 s: the last third or so go on the new key.
      const beforeReneg = lab.serverLog().length;
      await waitForLogLine(client, 'Renegotiated data-channel keys (key id 1).', 30_000);
      const second = await client.ping({ count: 170, intervalMs: 60 });
      assert.ok(second.sent - second.answered <= 2, `after renegotiation: answered ${second.answered}/${second.sent}; drops ${JSON.stringify(client.client.counters?.drops)}`);
      const afterReneg = lab.serverLog().slice(beforeReneg);
      assert.match(afterReneg, /Outgoing Epoch Data key 1: Cipher 'AES-256-GCM'/, 'a new chain for the new key id');
      // The old key is past epoch 3 by now: only the new chain can move to epoch 2.
      assert.match(afterReneg, /Received data packet with new epoch 2\. Updating receive key/, 'the new chain rotates as well');
      const newEpochs = client.client.session?.dataEpochs;
      assert.ok(newEpochs && newEpochs.send >= 2, `the new key's epochs: ${JSON.stringify(newEpochs)}`);
      assert.equal(client.connections.length, 1, 'no reconnect');
      assertNoEpochDrops(client);
      t.diagnostic(`after renegotiation: epochs ${JSON.stringify(newEpochs)}; drops ${JSON.stringify(client.client.counters?.drops)}`);
    });
}

labTest('2.7 server: epoch keys from legacy-PRF key material; without the epoch bit the classic format', { timeout: 90_000, skip: skip27 }, async (t) => {
  const lab = await startLab({ serverVersion: '2.7', proto: 'udp', wrap: 'tls-crypt' });
  t.after(() => lab.stop());

  // Without TLS_KEY_EXPORT the server derives key2 with the PRF and still agrees to epoch keys:
  // both chains start from that key2, as from an exported one.
  const prf = await connectLabClient(lab, { epochRotatePackets: ROTATE_PACKETS, ...peerInfo(DEFAULT_IV_PROTO & ~IV_PROTO.TLS_KEY_EXPORT) });
  try {
    assert.equal(prf.info.config.keyDerivation, 'prf');
    assert.ok(prf.info.config.protocolFlags.has('aead-epoch'));
    const result = await prf.ping({ count: 60, intervalMs: 60 });
    assert.ok(result.sent - result.answered <= 2, `PRF keys: answered ${result.answered}/${result.sent}`);
    assert.ok((prf.client.session?.dataEpochs?.send ?? 0) >= 3);
    assertNoEpochDrops(prf);
  } finally {
    await prf.stop();
  }

  const offset = lab.serverLog().length;
  const classic = await connectLabClient(lab, peerInfo(DEFAULT_IV_PROTO & ~IV_PROTO.DATA_EPOCH));
  try {
    assert.equal(classic.info.config.protocolFlags.has('aead-epoch'), false, 'no aead-epoch without the bit');
    assert.equal(classic.client.session?.dataEpochs, undefined, 'the classic cipher');
    assert.ok((await classic.ping()).answered >= 2);
    assert.doesNotMatch(lab.serverLog().slice(offset), /Epoch Data key/);
  } finally {
    await classic.stop();
  }
});

labTest('2.6 server: the same client announces the epoch bit and keeps the classic format', { timeout: 60_000 }, async (t) => {
  const lab = await startLab({ proto: 'udp', wrap: 'tls-crypt' });
  t.after(() => lab.stop());
  const client = await connectLabClient(lab);
  try {
    assert.match(lab.serverLog(), /peer info: IV_PROTO=1950\b/, 'the epoch bit is announced');
    assert.equal(client.info.config.protocolFlags.has('aead-epoch'), false);
    assert.equal(client.client.session?.dataEpochs, undefined, 'classic format: no epochs');
    assert.equal(client.logs.some((l) => l.message.includes('epoch keys')), false);
    assert.doesNotMatch(lab.serverLog(), /aead-epoch|Epoch Data key/);
    assert.ok((await client.ping()).answered >= 2);
  } finally {
    await client.stop();
  }
});

function peerInfo(ivProto: number): { peerInfo: { version: string; guiVersion: string; extra: Record<string, string>; ivProto: number } } {
  return { peerInfo: { version: '2.6.14', guiVersion: 'Postern test', extra: {}, ivProto } };
}

/**
 * 2.7.6 fixed its MSS count for epoch packets (GH #1074): its "Data Channel MTU parms [ mss_fix:N"
 * for our client must equal ours. The server's socket is IPv6 (udp6/tcp6-server), so it counts
 * a 40-byte outer header; the default mssfix is 1492.
 */
function assertMssMatchesServer(lab: Lab, proto: 'udp' | 'tcp'): void {
  const server = /client1\/\S+ Data Channel MTU parms \[ mss_fix:(\d+)/.exec(lab.serverLog())?.[1];
  const ours = mssLimit({ mssfix: { bytes: 1492, mode: 'default' }, cipher: 'AES-256-GCM', auth: 'SHA1', peerId: true, epochFormat: true, compression: 'none', transport: proto, family: 6 });
  assert.equal(Number(server), ours, `server mss_fix ${server}, ours ${ours}`);
}

function assertNoEpochDrops(client: LabClient): void {
  const drops = client.client.counters?.drops ?? {};
  for (const code of ['data.unknown_epoch', 'data.auth_failed', 'data.key_limit'] as const) assert.equal(drops[code] ?? 0, 0, `${code}: ${JSON.stringify(drops)}`);
}

async function waitForLogLine(client: LabClient, message: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!client.logs.some((l) => l.message === message)) {
    if (Date.now() > until) throw new Error(`no "${message}" within ${timeoutMs} ms; log: ${client.logs.map((l) => l.message).join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
