// Postern's core client against an OpenVPN 2.5 server in the lab, beside the Debian 2.6 client
// (e2e/lab/generation-matrix.ts; one file per generation so the runner takes them in parallel),
// and the same 2.5 server configured the way a 2.4 one was: no cipher negotiation.
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { serverVersionSkipReason } from '../../e2e/lab/prerequisites';
import { assertServerVersion, posternConnectsAndPings, referenceConnectsAndPings, serverGenerationMatrix } from '../../e2e/lab/generation-matrix';

serverGenerationMatrix('2.5');

/**
 * A "2.4-like" server: `ncp-disable` turns negotiation off, so it pushes no cipher and the
 * client must already use the server's `cipher` and `auth`, as profiles for 2.4 servers say.
 */
const LIKE_2_4 = ['ncp-disable', 'cipher AES-256-CBC', 'auth SHA256'];

async function startLike24(): Promise<Lab> {
  const lab = await startLab({ serverVersion: '2.5', proto: 'udp', wrap: 'tls-auth', serverConfig: LIKE_2_4 });
  assertServerVersion(lab, '2.5.1');
  return lab;
}

labTest('2.4-like server (2.5 with ncp-disable, AES-256-CBC, SHA256): the 2.6 client connects and pings', { skip: serverVersionSkipReason('2.5') }, async (t) => {
  const lab = await startLike24();
  t.after(() => lab.stop());
  t.diagnostic(`openvpn 2.6 connected in ${(await referenceConnectsAndPings(lab, ['data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305:AES-256-CBC', 'auth SHA256'])).toFixed(0)} ms`);
});

labTest('2.4-like server (2.5 with ncp-disable, AES-256-CBC, SHA256): Postern connects and pings', { skip: serverVersionSkipReason('2.5') }, async (t) => {
  const lab = await startLike24();
  t.after(() => lab.stop());
  // What client-options.ts makes of `cipher AES-256-CBC` and `auth SHA256` in a profile.
  const { connectMs, cipher } = await posternConnectsAndPings(lab, {
    cipher: 'AES-256-CBC', dataCiphersFallback: 'AES-256-CBC', auth: 'SHA256',
    dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305', 'AES-256-CBC'],
  });
  assert.equal(cipher, 'AES-256-CBC');
  t.diagnostic(`Postern connected in ${connectMs.toFixed(0)} ms (${cipher}; the server still pushes \`cipher\` to clients that announce IV_NCP)`);
});
