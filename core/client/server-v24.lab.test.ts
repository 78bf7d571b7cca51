// Postern's core client against a real OpenVPN 2.4 server (Ubuntu focal's 2.4.7 on its own
// OpenSSL 1.1.1, scripts/lab-openvpn-builds.sh), beside the Debian 2.6 client: the generation
// matrix (2.4 negotiates with `ncp-ciphers`, the lab's config says so), then what routers and
// appliances run: `ncp-disable` with AES-256-CBC, SHA256 and comp-lzo, where 2.4 drops a
// PUSH_REQUEST that comes before its client-connect step. 2.4's default BF-CBC needs the
// helper's provider loader: native-helper/crypto/legacy-cipher.lab.test.ts (core client) and
// native-helper/cli/legacy-server.lab.test.ts (`postern connect`). The build is optional:
// where Ubuntu's archive did not answer, these skip with that reason.
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { serverVersionSkipReason } from '../../e2e/lab/prerequisites';
import { assertServerVersion, serverGenerationMatrix } from '../../e2e/lab/generation-matrix';
import { compareConnects } from '../../e2e/lab/connect-compare';
import { connectLabClient } from '../../e2e/lab/lab-client';

serverGenerationMatrix('2.4');

const skip24 = serverVersionSkipReason('2.4');

async function startServer24(serverConfig: readonly string[]): Promise<Lab> {
  const lab = await startLab({ serverVersion: '2.4', proto: 'udp', wrap: 'tls-auth', serverConfig });
  assertServerVersion(lab, '2.4.7');
  return lab;
}

/** The median of a few connect times: one slow round on a busy machine says nothing. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

labTest('2.4 with ncp-disable, AES-256-CBC, SHA256, comp-lzo yes: Postern connects in under 2 s (no dropped PUSH_REQUEST stall), beside the 2.6 client', { skip: skip24, timeout: 120_000 }, async (t) => {
  const lab = await startServer24(['ncp-disable', 'cipher AES-256-CBC', 'auth SHA256', 'comp-lzo yes']);
  t.after(() => lab.stop());
  // What client-options.ts makes of `cipher AES-256-CBC`, `data-ciphers-fallback AES-256-CBC`, `auth SHA256`, `comp-lzo yes`.
  const profile = {
    cipher: 'AES-256-CBC', dataCiphersFallback: 'AES-256-CBC', auth: 'SHA256', compression: 'lzo' as const, allowDecompression: true,
    dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305', 'AES-256-CBC'],
  };
  const times = await compareConnects(t, lab, 4, profile, ['data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305:AES-256-CBC', 'auth SHA256', 'comp-lzo yes']);
  // Unlike the 2.5 playing 2.4, the real one pushes no `cipher`: the clients took it from its options string.
  assert.doesNotMatch(lab.serverLog(), /'PUSH_REPLY,[^']*cipher /);
  assert.match(lab.serverLog(), /Outgoing Data Channel: Cipher 'AES-256-CBC' initialized with 256 bit key/);
  const bound = Math.max(2_000, median(times.reference) + 1_000);
  assert.ok(median(times.postern) < bound, `Postern connect times ${times.postern.join(', ')} ms; the 2.6 client's ${times.reference.join(', ')} ms`);
  assert.ok(times.postern.every((ms) => ms < 4_000), `no connect waited for a 5 s PUSH_REQUEST retry: ${times.postern.join(', ')} ms`);
});

labTest('2.4 with a deferred sign-in (management-client-auth): Postern connects within a few seconds of the grant, as the 2.6 client does not', { skip: skip24, timeout: 120_000 }, async (t) => {
  // 2.4 drops each PUSH_REQUEST that comes while the sign-in is deferred and never pushes
  // unasked: only a request after the grant is answered (push-negotiation.ts).
  const lab = await startLab({ serverVersion: '2.4', proto: 'udp', wrap: 'tls-auth', managementClientAuth: true, serverConfig: ['auth-user-pass-optional'] });
  t.after(() => lab.stop());
  assertServerVersion(lab, '2.4.7');
  const management = lab.management;
  assert.ok(management);
  await management.ready;
  /** Starts a client, grants its sign-in `grantAfterMs` after the server asks, and returns how long after the grant it connected. */
  async function afterGrant(start: () => Promise<unknown>, grantAfterMs: number): Promise<number> {
    const since = management!.events.length;
    const connected = start();
    const ask = await management!.waitForClientEvent('CONNECT', 15_000, since);
    await new Promise((resolve) => setTimeout(resolve, grantAfterMs));
    await management!.clientAuthNt(ask.cid, ask.kid ?? 0);
    const grantedAt = performance.now();
    await connected;
    return Math.round(performance.now() - grantedAt);
  }
  const postern: number[] = [];
  const reference: number[] = [];
  for (const grantAfterMs of [1_500, 3_000]) {
    postern.push(await afterGrant(async () => (await connectLabClient(lab, { connectTimeoutMs: 20_000 })).stop(), grantAfterMs));
    reference.push(await afterGrant(async () => {
      const client = lab.startOpenvpnClient({ profile: lab.clientProfile({ remote: 'link' }) });
      try { await client.waitConnected(20_000); } finally { await client.stop(); }
    }, grantAfterMs));
  }
  t.diagnostic(`connected this long after the sign-in was granted (1.5 s, 3 s after the handshake): Postern ${postern.join(', ')} ms; openvpn 2.6 ${reference.join(', ')} ms`);
  assert.ok(postern.every((ms) => ms < 3_500), `Postern waited for a PUSH_REQUEST retry: ${postern.join(', ')} ms after the grant`);
});
