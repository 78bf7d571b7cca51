import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthPrompt, PromptClosedReason } from '../auth/auth-prompt';
import { NO_AUTH, type AuthPolicy } from '../auth/auth-policy';
import type { PhaseChange, SessionEnd } from '../session/events';
import { VpnClient, type VpnClientOptions } from './vpn-client';

// Prompts before the first attempt: no packet is sent until the user answers, so these need no server.

function options(auth: AuthPolicy): VpnClientOptions {
  return {
    remotes: [{ host: '127.0.0.1', port: 9, proto: 'udp' }],
    remoteRandom: false,
    connectRetrySeconds: 1,
    connectRetryMaxSeconds: 5,
    serverPollTimeoutSeconds: 1,
    auth,
    session: {
      tls: { secureContext: {}, peerCheck: { remoteCertTlsServer: true } }, wrap: { kind: 'none' }, dataCiphers: ['AES-256-GCM'], auth: 'SHA1',
      compression: 'none', allowDecompression: false, peerInfo: { version: '2.6.14', guiVersion: 'test', extra: {} },
      routeNopull: false, pullFilters: [],
      timers: { handWindowSeconds: 60, renegotiateSeconds: 3600, pingRestartSeconds: 120, tlsTimeoutSeconds: 2 },
    },
  };
}

function recorded(auth: AuthPolicy): { client: VpnClient; prompts: AuthPrompt[]; closed: Array<[string, PromptClosedReason]>; phases: PhaseChange[]; stopped: Promise<SessionEnd>; done: Promise<void> } {
  const prompts: AuthPrompt[] = [];
  const closed: Array<[string, PromptClosedReason]> = [];
  const phases: PhaseChange[] = [];
  let resolveStopped!: (end: SessionEnd) => void;
  const stopped = new Promise<SessionEnd>((resolve) => { resolveStopped = resolve; });
  const client = new VpnClient(options(auth), {
    onPhase: (change) => phases.push(change), onConnected: () => undefined, onPacket: () => undefined, onLog: () => undefined,
    onStopped: resolveStopped, onPrompt: (prompt) => prompts.push(prompt), onPromptClosed: (id, reason) => closed.push([id, reason]),
  });
  return { client, prompts, closed, phases, stopped, done: client.start() };
}

test('auth-user-pass without credentials: a prompt before any attempt, in the authenticating phase; cancel stops cleanly', async () => {
  const run = recorded({ ...NO_AUTH, userPass: true });
  await new Promise((resolve) => setImmediate(resolve));
  const prompt = run.prompts[0];
  assert.ok(prompt);
  assert.deepEqual({ id: prompt.id, kind: prompt.kind, echo: prompt.echo, timeoutSeconds: prompt.timeoutSeconds, needs: prompt.needs },
    { id: 'p1', kind: 'credentials', echo: false, timeoutSeconds: null, needs: { username: true, password: true, response: false } });
  assert.deepEqual(run.phases.map((p) => p.phase), ['authenticating']);
  assert.deepEqual(run.client.answerPrompt('p7', {}), { ok: false, error: { code: 'auth.no_prompt', message: 'No question with that id is waiting for an answer.' } });
  assert.equal(run.client.answerPrompt(prompt.id, { username: 'u' }).ok, false);
  assert.ok(run.client.cancelPrompt(prompt.id).ok);
  assert.deepEqual(await run.stopped, { code: 'auth.cancelled', fatal: true, message: 'Sign-in was cancelled.' });
  await run.done;
  assert.deepEqual(run.closed, [['p1', 'cancelled']]);
  assert.equal(run.client.cancelPrompt(prompt.id).ok, false, 'a closed prompt cannot be cancelled twice');
});

test('stop() while a prompt is open: the prompt closes, the client stops as a disconnect, nothing keeps running', async () => {
  const run = recorded({ ...NO_AUTH, userPass: true, username: 'known', staticChallenge: { text: 'OTP?', echo: true, format: 'scrv1' } });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual({ kind: run.prompts[0]?.kind, text: run.prompts[0]?.text, username: run.prompts[0]?.username, needs: run.prompts[0]?.needs },
    { kind: 'static_challenge', text: 'OTP?', username: 'known', needs: { username: false, password: true, response: true } });
  await run.client.stop();
  assert.equal((await run.stopped).code, 'user.disconnect');
  assert.deepEqual(run.closed, [['p1', 'cancelled']]);
  assert.equal(run.phases.at(-1)?.phase, 'disconnected');
});
