// BF-CBC against a 2.4-era server (the lab's 2.5.1 with ncp-disable and cipher BF-CBC) through
// core's client with the helper's provider loader: `providers legacy default` has the addon
// load OpenSSL's legacy provider into this process, and node:crypto then runs BF-CBC. Beside
// the Debian 2.6 client, which needs the same two profile lines on OpenSSL 3. Then the same
// against a real 2.4 server (Ubuntu focal's 2.4.7, optional: it skips where that build could
// not be fetched) with `ncp-disable` and no `cipher`: BF-CBC because it is 2.4's default. The
// loaded provider cannot be unloaded: this file is its own process.
import assert from 'node:assert/strict';
import { startLab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { serverVersionSkipReason } from '../../e2e/lab/prerequisites';
import { assertServerVersion, posternConnectsAndPings } from '../../e2e/lab/generation-matrix';
import { compareConnects, failedEnd } from '../../e2e/lab/connect-compare';
import { addonSkipReason } from '../addon/addon-test-prerequisites';
import { nativeProviderLoader } from './openssl-providers';

const skip = serverVersionSkipReason('2.5') ?? addonSkipReason({ root: true });
const skip24 = serverVersionSkipReason('2.4') ?? addonSkipReason({ root: true });

labTest('BF-CBC server: with providers legacy default (the addon loads the provider) Postern connects and pings, as the 2.6 client does', { skip, timeout: 90_000 }, async (t) => {
  const lab = await startLab({ serverVersion: '2.5', proto: 'udp', wrap: 'tls-auth', serverConfig: ['ncp-disable', 'cipher BF-CBC'] });
  t.after(() => lab.stop());
  assertServerVersion(lab, '2.5.1');
  const profile = { dataCiphers: ['AES-256-GCM', 'BF-CBC'], providers: ['legacy' as const, 'default' as const], loadProvider: nativeProviderLoader() };
  const { cipher } = await posternConnectsAndPings(lab, profile);
  assert.equal(cipher, 'BF-CBC');
  assert.match(lab.serverLog(), /Data Channel: Cipher 'BF-CBC' initialized with 128 bit key/);
  const times = await compareConnects(t, lab, 2, profile, ['data-ciphers AES-256-GCM:BF-CBC', 'providers legacy default']);
  assert.ok(times.postern.every((ms) => ms < 4_000), 'no 5 s wait for the push');
  // The provider stays loaded in this process, but a profile without `providers legacy` still gets no BF-CBC (as 2.6 on OpenSSL 3).
  const withoutLine = await failedEnd(lab, { dataCiphers: profile.dataCiphers, loadProvider: profile.loadProvider });
  assert.deepEqual({ code: withoutLine.code, data: withoutLine.data }, { code: 'data.legacy_provider_unavailable', data: { kind: 'legacy_cipher', cipher: 'BF-CBC' } });
});

labTest('2.4.7 server with ncp-disable and its default BF-CBC: with providers legacy default Postern connects and pings, beside the 2.6 client', { skip: skip24, timeout: 90_000 }, async (t) => {
  // No `cipher` line: the server runs 2.4's default and names it in its options string.
  const lab = await startLab({ serverVersion: '2.4', proto: 'udp', wrap: 'tls-auth', serverConfig: ['ncp-disable'] });
  t.after(() => lab.stop());
  assertServerVersion(lab, '2.4.7');
  const profile = { dataCiphers: ['AES-256-GCM', 'BF-CBC'], providers: ['legacy' as const, 'default' as const], loadProvider: nativeProviderLoader() };
  const { cipher } = await posternConnectsAndPings(lab, profile);
  assert.equal(cipher, 'BF-CBC');
  // 2.4 logs each direction's key on its own line ("Outgoing Data Channel: Cipher 'BF-CBC' …").
  assert.match(lab.serverLog(), /Outgoing Data Channel: Cipher 'BF-CBC' initialized with 128 bit key/);
  // Unlike 2.5.1, it pushes no `cipher`: Postern took BF-CBC from the server's options string.
  assert.doesNotMatch(lab.serverLog(), /'PUSH_REPLY,[^']*cipher /);
  const times = await compareConnects(t, lab, 3, profile, ['data-ciphers AES-256-GCM:BF-CBC', 'providers legacy default']);
  assert.ok(times.postern.every((ms) => ms < 4_000), 'no 5 s wait for the push');
});
