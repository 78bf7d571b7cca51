// The sign-in cases the whole-stack tests do not reach, against the in-process core client and an
// OpenVPN 2.6 server driven through management-client-auth: auth-retry interact, AUTH_FAILED,TEMP's
// back-off, a WEB_AUTH superseded by a new URL, auth-nocache on a renegotiation. Every flow a person
// meets (password, static and dynamic challenge, CR_TEXT, web sign-in, auth-token) is proven once,
// end to end as a normal user through the helper, in native-helper/cli/auth-flows.lab.test.ts.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { inspect } from 'node:util';
import type { Lab } from '../../e2e/lab/lab';
import { startManagedLab } from '../../e2e/lab/managed-lab';
import type { ClientEvent } from '../../e2e/lab/managed-lab';
import { labTest } from '../../e2e/lab/lab-test';
import type { ManagementClient } from '../../e2e/lab/management';
import { startAuthClient, waitUntil, type AuthClient } from '../../e2e/lab/auth-client';
import type { AuthPrompt, PromptClosedReason } from '../auth/auth-prompt';
import { isConnectable, parseProfile } from '../config/index';
import type { SessionLogLine } from '../session/events';
import { Secret } from '../wire/secret';
import { clientOptionsFromProfile } from './client-options';
import { VpnClient, type ConnectedInfo } from './vpn-client';

interface AuthLab {
  lab: Lab;
  management: ManagementClient;
  connect(extra?: readonly string[]): AuthClient;
  /** A client that also records the sign-in questions (INFO_PRE) reaching it: see WatchedClient. */
  connectWatched(): WatchedClient;
  /** The next CLIENT:<type> the server asks management about, after the last one returned. */
  next(type: string): Promise<ClientEvent>;
}

/**
 * The core client, recording prompts and also every INFO_PRE its sessions delivered (by
 * kind), so a test can wait until a repeated question has really reached the client before
 * asserting that no prompt followed. (AuthClient records prompts, not control messages.)
 */
interface WatchedClient {
  client: VpnClient;
  prompts: AuthPrompt[];
  closed: Array<{ promptId: string; reason: PromptClosedReason }>;
  questions: string[];
  connections: ConnectedInfo[];
  logs: SessionLogLine[];
  transcript(): string;
}

function startWatchedClient(lab: Lab): WatchedClient {
  const parsed = parseProfile(lab.clientProfile({ extra: ['auth-user-pass'] }));
  assert.ok(parsed.profile && isConnectable(parsed), 'the lab profile parses');
  const built = clientOptionsFromProfile(parsed.profile);
  assert.ok(built.ok, 'the lab profile gives client options');
  const record = { prompts: [] as AuthPrompt[], closed: [] as WatchedClient['closed'], questions: [] as string[], connections: [] as ConnectedInfo[], logs: [] as SessionLogLine[] };
  const client = new VpnClient({ ...built.value, connectRetrySeconds: 1, serverPollTimeoutSeconds: 10 }, {
    onPhase: () => undefined, onPacket: () => undefined, onStopped: () => undefined,
    onConnected: (info) => record.connections.push(info),
    onLog: (log) => record.logs.push(log),
    onPrompt: (prompt) => record.prompts.push(prompt),
    onPromptClosed: (promptId, reason) => record.closed.push({ promptId, reason }),
    onControlMessage: (message) => { if (message.kind === 'info_pre') record.questions.push(message.info.kind); },
  });
  void client.start();
  return { client, ...record, transcript: () => inspect(record, { depth: 8, maxArrayLength: Infinity, maxStringLength: Infinity }) };
}

/** Every secret a test of this file used: what each test's clients reported is searched for all of them. */
const secretsUsed = new Set<string>();

function assertNoSecret(transcript: string): void {
  for (const value of secretsUsed) {
    assert.equal(transcript.includes(value), false, `a secret (${value.length} characters) appeared in what the client reported`);
    assert.equal(transcript.includes(Buffer.from(value).toString('base64')), false, 'a secret appeared base64-encoded');
  }
}

async function startAuthLab(t: TestContext, serverConfig: readonly string[] = []): Promise<AuthLab> {
  const { lab, management, nextClientEvent } = await startManagedLab(serverConfig);
  const clients: Array<{ stop(): Promise<unknown>; transcript(): string }> = [];
  t.after(async () => {
    for (const client of clients) await client.stop();
    await lab.stop();
    // Each test checks its own clients: no test depends on another having run first.
    for (const client of clients) assertNoSecret(client.transcript());
  });
  return {
    lab, management,
    connect: (extra = []) => {
      const client = startAuthClient(lab, { extra });
      clients.push(client);
      return client;
    },
    connectWatched: () => {
      const watched = startWatchedClient(lab);
      clients.push({ stop: () => watched.client.stop(), transcript: watched.transcript });
      return watched;
    },
    next: nextClientEvent,
  };
}

function secret(text: string): Secret {
  secretsUsed.add(text);
  return new Secret(text);
}


const PASSWORD = 'correct horse battery staple';

/**
 * What the server's log (verb 4) says about a pending sign-in: how many AUTH_PENDING it
 * sent, and how many PUSH_REQUESTs it received after the first of them.
 */
function pendingExchanges(lab: Lab): { authPendingSent: number; pushRequestsWhilePending: number } {
  const log = lab.serverLog();
  const first = log.search(/SENT CONTROL \[[^\]]*\]: 'AUTH_PENDING/);
  if (first === -1) return { authPendingSent: 0, pushRequestsWhilePending: 0 };
  const after = log.slice(first);
  return {
    authPendingSent: after.match(/SENT CONTROL \[[^\]]*\]: 'AUTH_PENDING/g)?.length ?? 0,
    pushRequestsWhilePending: after.match(/PUSH: Received control message: 'PUSH_REQUEST'/g)?.length ?? 0,
  };
}

/** Waits until the server logged `count` PUSH_REQUESTs since its first AUTH_PENDING (one every 5 s). */
function pushRequestsWhilePending(lab: Lab, count: number): Promise<true> {
  return waitUntil(() => (pendingExchanges(lab).pushRequestsWhilePending >= count ? true : undefined), 12_000,
    () => `${count} PUSH_REQUESTs while pending (${JSON.stringify(pendingExchanges(lab))})`);
}

/** Waits until `count` INFO_PRE questions reached the client. */
function questionsReceived(client: WatchedClient, count: number): Promise<true> {
  return waitUntil(() => (client.questions.length >= count ? true : undefined), 5_000, () => `INFO_PRE number ${count} (got ${client.questions.join(', ')})`);
}

labTest('1b. auth-retry interact: a refused password asks again (with the server\'s reason), the next answer connects', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const client = auth.connect(['auth-retry interact']);
  const first = await client.nextPrompt('credentials');
  client.client.answerPrompt(first.id, { username: 'gina', password: secret('typo in it') });
  const refused = await auth.next('CONNECT');
  await auth.management.clientDeny(refused.cid, refused.kid ?? 0, 'bad password', 'Wrong password');
  const again = await client.nextPrompt('credentials');
  assert.match(again.text, /refused the sign-in \(Wrong password\)/);
  assert.deepEqual({ username: again.username, needs: again.needs }, { username: 'gina', needs: { username: false, password: true, response: false } });
  client.client.answerPrompt(again.id, { password: secret(PASSWORD) });
  const accepted = await auth.next('CONNECT');
  assert.deepEqual([accepted.env['username'], accepted.env['password']], ['gina', PASSWORD]);
  await auth.management.clientAuthNt(accepted.cid, accepted.kid ?? 0);
  await client.waitConnected();
});

labTest('1c. AUTH_FAILED,TEMP[backoff 2]: the same credentials again after the server\'s back-off, no prompt', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const client = auth.connect();
  const asked = await client.nextPrompt('credentials');
  client.client.answerPrompt(asked.id, { username: 'hank', password: secret(PASSWORD) });
  const busy = await auth.next('CONNECT');
  await auth.management.clientDeny(busy.cid, busy.kid ?? 0, 'busy', 'TEMP[backoff 2,advance no]:Try again shortly');
  const second = await auth.next('CONNECT');
  assert.deepEqual([second.env['username'], second.env['password']], ['hank', PASSWORD]);
  await auth.management.clientAuthNt(second.cid, second.kid ?? 0);
  await client.waitConnected();
  const reconnecting = client.phases.find((p) => p.phase === 'reconnecting');
  const resumed = client.phases.find((p) => p.phase === 'connecting' && p.sinceStartMs > (reconnecting?.sinceStartMs ?? Infinity));
  const waitedMs = (resumed?.sinceStartMs ?? 0) - (reconnecting?.sinceStartMs ?? 0);
  t.diagnostic(`waited ${waitedMs.toFixed(0)} ms after AUTH_FAILED,TEMP (${reconnecting?.detail ?? ''})`);
  assert.match(reconnecting?.detail ?? '', /auth\.failed_temp/);
  assert.ok(waitedMs >= 1_900 && waitedMs < 3_500, 'the server\'s back-off, not connect-retry');
  assert.equal(client.prompts.length, 1);
});

labTest('5b. WEB_AUTH asked again with the same URL: one prompt (one browser tab); a new URL supersedes it', { timeout: 25_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const url = 'https://sso.example.test/login?state=once';
  const client = auth.connectWatched();
  await waitUntil(() => client.prompts.find((p) => p.kind === 'credentials'), 10_000, () => 'the credentials prompt');
  client.client.answerPrompt(client.prompts[0]!.id, { username: 'liam', password: secret(PASSWORD) });
  const connect = await auth.next('CONNECT');
  await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, `WEB_AUTH::${url}`, 30);
  const web = await waitUntil(() => client.prompts.find((p) => p.kind === 'web_auth'), 5_000, () => 'the web_auth prompt');
  await pushRequestsWhilePending(auth.lab, 1);
  await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, `WEB_AUTH::${url}`, 60);
  await questionsReceived(client, 2);
  await pushRequestsWhilePending(auth.lab, 2);
  const exchanges = pendingExchanges(auth.lab);
  t.diagnostic(`server log: ${JSON.stringify(exchanges)}; client got INFO_PRE ${client.questions.join(', ')}`);
  assert.equal(exchanges.authPendingSent, 2, 'AUTH_PENDING went out once per client-pending-auth, never on its own');
  assert.ok(exchanges.pushRequestsWhilePending >= 2);
  assert.deepEqual(client.prompts.filter((p) => p.kind === 'web_auth').map((p) => p.url), [url], 'one web sign-in prompt');
  assert.deepEqual(client.closed.filter((c) => c.promptId === web.id), [], 'and it stayed open');
  const other = 'https://sso.example.test/login?state=second';
  await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, `WEB_AUTH::${other}`, 30);
  const second = await waitUntil(() => client.prompts.find((p) => p.kind === 'web_auth' && p.id !== web.id), 5_000, () => 'the second web_auth prompt');
  assert.equal(second.url, other);
  assert.deepEqual(client.closed.at(-1), { promptId: web.id, reason: 'superseded' });
  await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await waitUntil(() => client.connections[0], 10_000, () => 'the connection');
  assert.deepEqual(client.closed.at(-1), { promptId: second.id, reason: 'completed' });
  assert.equal(client.prompts.length, 3, 'credentials, the first URL, the second URL');
});

labTest('6b. auth-nocache without a token: the renegotiation asks for the password again while the tunnel stays up', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const client = auth.connect(['auth-nocache', 'reneg-sec 3']);
  const asked = await client.nextPrompt('credentials');
  client.client.answerPrompt(asked.id, { username: 'ivy', password: secret(PASSWORD) });
  const connect = await auth.next('CONNECT');
  await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await client.waitConnected();
  const again = await client.nextPrompt('credentials', 10_000);
  assert.deepEqual({ username: again.username, needs: again.needs }, { username: 'ivy', needs: { username: false, password: true, response: false } });
  assert.equal(client.phases.at(-1)?.phase, 'connected', 'the tunnel stays up while the renegotiation waits');
  client.client.answerPrompt(again.id, { password: secret(PASSWORD) });
  const reauth = await auth.next('REAUTH');
  assert.deepEqual([reauth.env['username'], reauth.env['password']], ['ivy', PASSWORD]);
  await auth.management.clientAuthNt(reauth.cid, reauth.kid ?? 0);
  await waitUntil(() => client.logs.find((l) => /Renegotiated data-channel keys/.test(l.message)), 10_000, () => 'the renegotiation to finish');
  assert.equal(client.connections.length, 1, 'no reconnect');
});

