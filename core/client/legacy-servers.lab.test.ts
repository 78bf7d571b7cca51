// Postern against servers of the 2.4 era, played by the lab's 2.5.1 with `ncp-disable`: it
// negotiates nothing and runs the one `cipher` it is given (BF-CBC, or AES-256-CBC with
// comp-lzo), beside the Debian 2.6 client on the same server for comparison. 2.5.1 still
// pushes its `cipher` to a client that sends IV_CIPHERS, which both clients do, so here the
// pushed cipher decides; the path without a push (the server's options string) is
// cipher-choice.test.ts's, from the strings this server sends. BF-CBC with the legacy
// provider loaded by the helper's addon: native-helper/crypto/legacy-cipher.lab.test.ts.
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { serverVersionSkipReason } from '../../e2e/lab/prerequisites';
import { assertServerVersion } from '../../e2e/lab/generation-matrix';
import { compareConnects, failedEnd } from '../../e2e/lab/connect-compare';

const skip25 = serverVersionSkipReason('2.5');

async function startOldServer(serverConfig: readonly string[]): Promise<Lab> {
  const lab = await startLab({ serverVersion: '2.5', proto: 'udp', wrap: 'tls-auth', serverConfig });
  assertServerVersion(lab, '2.5.1');
  return lab;
}

labTest('BF-CBC server, core without a provider loader: typed failures that name the server\'s cipher, never a throw', { skip: skip25 }, async (t) => {
  // 2.4's default cipher; 2.5.1 is built on OpenSSL 1.1.1, so the server needs no provider for it.
  const lab = await startOldServer(['ncp-disable', 'cipher BF-CBC']);
  t.after(() => lab.stop());
  // The profile allows BF-CBC and says `providers legacy default`, but core alone loads nothing (no loader injected).
  const unavailable = await failedEnd(lab, { dataCiphers: ['AES-256-GCM', 'BF-CBC'], providers: ['legacy', 'default'] });
  assert.deepEqual({ code: unavailable.code, fatal: unavailable.fatal, data: unavailable.data },
    { code: 'data.legacy_provider_unavailable', fatal: true, data: { kind: 'legacy_cipher', cipher: 'BF-CBC' } });
  // The profile does not allow BF-CBC: refused before any key is made, with what to add.
  const refused = await failedEnd(lab, {});
  assert.deepEqual({ code: refused.code, fatal: refused.fatal, data: refused.data }, {
    code: 'ncp.cipher_not_allowed', fatal: true,
    data: { kind: 'cipher', serverCipher: 'BF-CBC', dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'] },
  });
});

labTest('2.4-like AES-256-CBC + SHA256 + comp-lzo yes: Postern connects and pings well under 5 s (no PUSH_REQUEST stall)', { skip: skip25, timeout: 90_000 }, async (t) => {
  const lab = await startOldServer(['ncp-disable', 'cipher AES-256-CBC', 'auth SHA256', 'comp-lzo yes']);
  t.after(() => lab.stop());
  // What client-options.ts makes of `cipher AES-256-CBC`, `data-ciphers-fallback AES-256-CBC`, `auth SHA256`, `comp-lzo yes`.
  const profile = {
    cipher: 'AES-256-CBC', dataCiphersFallback: 'AES-256-CBC', auth: 'SHA256', compression: 'lzo' as const, allowDecompression: true,
    dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305', 'AES-256-CBC'],
  };
  const times = await compareConnects(t, lab, 3, profile, ['data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305:AES-256-CBC', 'auth SHA256', 'comp-lzo yes']);
  assert.ok(times.postern.every((ms) => ms < 4_000), `Postern connect times ${times.postern.join(', ')} ms`);
});

labTest('2.6 server: the PUSH_REQUEST delay costs nothing, the server pushes unsolicited (connect times beside the 2.6 client)', { timeout: 90_000 }, async (t) => {
  const lab = await startLab({ proto: 'udp', wrap: 'tls-crypt' });
  t.after(() => lab.stop());
  const times = await compareConnects(t, lab, 3, {}, []);
  assert.ok(times.postern.every((ms) => ms < 4_000), `Postern connect times ${times.postern.join(', ')} ms`);
});
