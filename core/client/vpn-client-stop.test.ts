import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_AUTH } from '../auth/auth-policy';
import type { SessionEnd } from '../session/events';
import { VpnClient, type ClientPhaseChange, type VpnClientOptions } from './vpn-client';

// How a run ends, without a server: nothing answers on 127.0.0.1:9, so every attempt fails
// (the port is unreachable, or the server-poll-timeout of 1 s passes) and the client backs off.

function options(overrides: Partial<VpnClientOptions> = {}): VpnClientOptions {
  return {
    remotes: [{ host: '127.0.0.1', port: 9, proto: 'udp' }],
    remoteRandom: false,
    connectRetrySeconds: 60,
    connectRetryMaxSeconds: 300,
    serverPollTimeoutSeconds: 1,
    auth: NO_AUTH,
    session: {
      tls: { secureContext: {}, peerCheck: { remoteCertTlsServer: true } }, wrap: { kind: 'none' }, dataCiphers: ['AES-256-GCM'], auth: 'SHA1',
      compression: 'none', allowDecompression: false, peerInfo: { version: '2.6.14', guiVersion: 'test', extra: {} },
      routeNopull: false, pullFilters: [],
      timers: { handWindowSeconds: 60, renegotiateSeconds: 3600, pingRestartSeconds: 120, tlsTimeoutSeconds: 2 },
    },
    ...overrides,
  };
}

function recorded(overrides: Partial<VpnClientOptions> = {}): { client: VpnClient; phases: ClientPhaseChange[]; stopped: Promise<SessionEnd>; reconnecting: Promise<void> } {
  const phases: ClientPhaseChange[] = [];
  let resolveStopped!: (end: SessionEnd) => void;
  const stopped = new Promise<SessionEnd>((resolve) => { resolveStopped = resolve; });
  let resolveReconnecting!: () => void;
  const reconnecting = new Promise<void>((resolve) => { resolveReconnecting = resolve; });
  const client = new VpnClient(options(overrides), {
    onPhase: (change) => { phases.push(change); if (change.phase === 'reconnecting') resolveReconnecting(); },
    onConnected: () => undefined, onPacket: () => undefined, onLog: () => undefined, onStopped: resolveStopped,
  });
  return { client, phases, stopped, reconnecting };
}

test('stop() during a 60 s back-off ends the wait at once: a disconnect, the reason on the reconnecting phase', async () => {
  const run = recorded();
  const done = run.client.start();
  await run.reconnecting;
  const reconnecting = run.phases.find((p) => p.phase === 'reconnecting');
  assert.ok(reconnecting?.reason, 'the attempt end is on the phase as {code, message}');
  assert.equal(reconnecting.detail, `${reconnecting.reason.code}: ${reconnecting.reason.message}`, 'and still in detail');
  const before = performance.now();
  await run.client.stop();
  assert.ok(performance.now() - before < 500, `stop() took ${performance.now() - before} ms`);
  assert.deepEqual(await run.stopped, { code: 'user.disconnect', message: 'Disconnected.', fatal: true });
  await done;
  assert.equal(run.phases.at(-1)?.phase, 'disconnected');
});

test('connect-retry-max: the client gives up after that many failed attempts', { timeout: 10_000 }, async () => {
  const run = recorded({ connectRetrySeconds: 0, maxAttempts: 2 });
  await run.client.start();
  const end = await run.stopped;
  assert.equal(end.code, 'connect.retries_exhausted');
  assert.match(end.message, /^Gave up after 2 attempts: /);
  assert.equal(run.phases.filter((p) => p.phase === 'resolving').length, 2);
});

test('stop() before start(): no attempt, a disconnect', async () => {
  const run = recorded();
  await run.client.stop();
  await run.client.start();
  assert.equal((await run.stopped).code, 'user.disconnect');
  assert.deepEqual(run.phases.map((p) => p.phase), ['disconnected']);
});
