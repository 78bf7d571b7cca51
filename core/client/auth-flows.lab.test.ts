// Every sign-in flow of an OpenVPN 2.6 server against the in-process core client: the profile says
// auth-user-pass, prompts come from VpnClient.onPrompt, answers go back through answerPrompt, and the
// server side is driven through management-client-auth (client-auth-nt, -deny, -pending-auth, -kill).
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

/** Everything any client of this file reported, and every secret used: test 7 searches one for the other. */
const transcripts: string[] = [];
const secretsUsed = new Set<string>();

async function startAuthLab(t: TestContext, serverConfig: readonly string[] = []): Promise<AuthLab> {
  const { lab, management, nextClientEvent } = await startManagedLab(serverConfig);
  const clients: Array<{ stop(): Promise<unknown>; transcript(): string }> = [];
  t.after(async () => {
    for (const client of clients) {
      await client.stop();
      transcripts.push(client.transcript());
    }
    await lab.stop();
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

const decode64 = (text: string | undefined): string => Buffer.from(text ?? '', 'base64').toString('utf8');
const connectCount = (management: ManagementClient): number => management.events.filter((e) => e.kind === 'client' && e.type === 'CONNECT').length;

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

labTest('1. credentials: the prompt\'s password is accepted; a wrong one stops with auth.failed after exactly one attempt', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const good = auth.connect();
  const asked = await good.nextPrompt('credentials');
  assert.deepEqual(asked.needs, { username: true, password: true, response: false });
  assert.equal(asked.echo, false);
  assert.equal(good.phases.at(-1)?.phase, 'authenticating', 'the client waits for the answer in the authenticating phase');
  assert.deepEqual(good.client.answerPrompt(asked.id, { username: 'alice' }).ok, false, 'an answer without the password is refused');
  assert.ok(good.client.answerPrompt(asked.id, { username: 'alice', password: secret(PASSWORD) }).ok);
  const connect = await auth.next('CONNECT');
  assert.equal(connect.env['username'], 'alice');
  assert.equal(connect.env['password'], PASSWORD);
  assert.equal(connect.env['IV_SSO'], 'openurl,webauth,crtext');
  await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await good.waitConnected();
  assert.deepEqual(good.closed, [{ promptId: asked.id, reason: 'answered' }]);
  assert.equal((await good.stop()).code, 'user.disconnect');

  const before = connectCount(auth.management);
  const wrong = auth.connect();
  const again = await wrong.nextPrompt('credentials');
  wrong.client.answerPrompt(again.id, { username: 'alice', password: secret('not the password') });
  const refused = await auth.next('CONNECT');
  await auth.management.clientDeny(refused.cid, refused.kid ?? 0, 'bad password', 'Wrong username or password');
  const end = await wrong.stopped;
  assert.equal(end.code, 'auth.failed');
  assert.equal(end.fatal, true);
  assert.match(end.message, /refused.*Wrong username or password/);
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // room for a retry that must not come
  assert.equal(connectCount(auth.management) - before, 1, 'exactly one attempt reached the server');
  assert.equal(wrong.prompts.length, 1, 'no second prompt with auth-retry none');
});

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

labTest('2. static challenge: SCRV1 carries the password and the OTP; only the right OTP connects', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const run = async (echoFlag: 0 | 1, otp: string): Promise<AuthClient> => {
    const client = auth.connect([`static-challenge "Enter your OTP" ${echoFlag}`]);
    const asked = await client.nextPrompt('static_challenge');
    assert.equal(asked.text, 'Enter your OTP');
    assert.equal(asked.echo, echoFlag === 1);
    assert.deepEqual(asked.needs, { username: true, password: true, response: true });
    assert.ok(client.client.answerPrompt(asked.id, { username: 'bob', password: secret(PASSWORD), response: secret(otp) }).ok);
    const connect = await auth.next('CONNECT');
    const [scheme, password64, response64, ...rest] = (connect.env['password'] ?? '').split(':');
    assert.deepEqual([scheme, decode64(password64), rest.length], ['SCRV1', PASSWORD, 0]);
    if (decode64(response64) === 'otp-123456') await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
    else await auth.management.clientDeny(connect.cid, connect.kid ?? 0, 'bad otp', 'Wrong one-time code');
    return client;
  };
  const wrong = await run(0, 'otp-000000');
  const end = await wrong.stopped;
  assert.equal(end.code, 'auth.failed');
  assert.match(end.message, /Wrong one-time code/);
  const right = await run(1, 'otp-123456');
  await right.waitConnected();
});

labTest('3. dynamic challenge (CRV1): the challenge is asked and its answer connects at once, same server', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const client = auth.connect();
  const asked = await client.nextPrompt('credentials');
  client.client.answerPrompt(asked.id, { username: 'carol', password: secret(PASSWORD) });
  const first = await auth.next('CONNECT');
  await auth.management.clientDeny(first.cid, first.kid ?? 0, 'challenge', `CRV1:R,E:abc123:${Buffer.from('carol').toString('base64')}:Enter PIN`);
  const challenge = await client.nextPrompt('dynamic_challenge');
  assert.deepEqual({ text: challenge.text, echo: challenge.echo, username: challenge.username, needs: challenge.needs },
    { text: 'Enter PIN', echo: true, username: 'carol', needs: { username: false, password: false, response: true } });
  assert.equal(client.phases.at(-1)?.phase, 'authenticating');
  const answeredAt = performance.now();
  client.client.answerPrompt(challenge.id, { response: secret('pin-8642') });
  const second = await auth.next('CONNECT');
  const retryMs = performance.now() - answeredAt;
  t.diagnostic(`challenge answer → second CONNECT in ${retryMs.toFixed(0)} ms`);
  assert.equal(second.env['username'], 'carol');
  assert.equal(second.env['password'], 'CRV1::abc123::pin-8642');
  assert.ok(retryMs < 900, 'no back-off after a challenge answer (connect-retry is 1 s)');
  await auth.management.clientAuthNt(second.cid, second.kid ?? 0);
  const info = await client.waitConnected();
  assert.equal(info.remote.address, auth.lab.hostLink.serverIp);
});

labTest('4. AUTH_PENDING with CR_TEXT: the right code connects; a wrong one is refused and fatal', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const run = async (code: string): Promise<{ client: AuthClient; received: string }> => {
    const client = auth.connect();
    const asked = await client.nextPrompt('credentials');
    client.client.answerPrompt(asked.id, { username: 'dave', password: secret(PASSWORD) });
    const connect = await auth.next('CONNECT');
    await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, 'CR_TEXT:R,E:Enter the code we texted you', 30);
    const question = await client.nextPrompt('cr_text');
    assert.deepEqual({ text: question.text, echo: question.echo, timeoutSeconds: question.timeoutSeconds, needs: question.needs },
      { text: 'Enter the code we texted you', echo: true, timeoutSeconds: 30, needs: { username: false, password: false, response: true } });
    await client.waitPhase('auth_pending');
    client.client.answerPrompt(question.id, { response: secret(code) });
    const answer = await auth.next('CR_RESPONSE');
    const received = decode64(answer.args.at(-1));
    if (received === 'code-5150') await auth.management.clientAuthNt(answer.cid, answer.kid ?? 0);
    else await auth.management.clientDeny(answer.cid, answer.kid ?? 0, 'wrong code', 'Wrong code');
    return { client, received };
  };
  const right = await run('code-5150');
  assert.equal(right.received, 'code-5150');
  await right.client.waitConnected();
  const wrong = await run('code-0000');
  assert.equal(wrong.received, 'code-0000');
  const end = await wrong.client.stopped;
  assert.equal(end.code, 'auth.failed');
  assert.match(end.message, /Wrong code/);
});

labTest('5. AUTH_PENDING with WEB_AUTH: the URL is offered, management completes it; a 3 s timeout ends clearly', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const url = 'https://sso.example.test/login?state=xyz';
  const client = auth.connect();
  const asked = await client.nextPrompt('credentials');
  client.client.answerPrompt(asked.id, { username: 'erin', password: secret(PASSWORD) });
  const connect = await auth.next('CONNECT');
  await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, 'OPEN_URL:file:///etc/shadow', 30);
  await waitUntil(() => client.logs.find((l) => l.level === 'warn' && /not http or https/.test(l.message)), 10_000, () => 'the refusal warning');
  assert.ok(!client.logs.some((l) => l.message.includes('file:')), 'the refused address is not logged');
  await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, `WEB_AUTH::${url}`, 30);
  const web = await client.nextPrompt('web_auth');
  assert.deepEqual({ url: web.url, timeoutSeconds: web.timeoutSeconds, needs: web.needs }, { url, timeoutSeconds: 30, needs: { username: false, password: false, response: false } });
  assert.equal(client.prompts.filter((p) => p.kind === 'web_auth').length, 1, 'only the https address became a prompt');
  assert.equal(client.phases.at(-1)?.phase, 'auth_pending');
  await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await client.waitConnected();
  assert.deepEqual(client.closed.at(-1), { promptId: web.id, reason: 'completed' });

  const slow = auth.connect();
  const again = await slow.nextPrompt('credentials');
  slow.client.answerPrompt(again.id, { username: 'erin', password: secret(PASSWORD) });
  const pending = await auth.next('CONNECT');
  await auth.management.clientPendingAuth(pending.cid, pending.kid ?? 0, `WEB_AUTH::${url}`, 3);
  const startedAt = performance.now();
  const expiring = await slow.nextPrompt('web_auth');
  const end = await slow.stopped;
  t.diagnostic(`pending sign-in ended ${(performance.now() - startedAt).toFixed(0)} ms after the prompt`);
  assert.equal(end.code, 'auth.pending_timeout');
  assert.match(end.message, /did not finish the sign-in within 3 s/);
  assert.deepEqual(slow.closed.at(-1), { promptId: expiring.id, reason: 'expired' });
});

labTest('4b. CR_TEXT asked again while open and after the answer (same text): one prompt, no second one after answering', { timeout: 25_000 }, async (t) => {
  const auth = await startAuthLab(t);
  const question = 'CR_TEXT:R,E:Enter the code we texted you';
  const client = auth.connectWatched();
  await waitUntil(() => client.prompts.find((p) => p.kind === 'credentials'), 10_000, () => 'the credentials prompt');
  client.client.answerPrompt(client.prompts[0]!.id, { username: 'kate', password: secret(PASSWORD) });
  const connect = await auth.next('CONNECT');
  await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, question, 30);
  const asked = await waitUntil(() => client.prompts.find((p) => p.kind === 'cr_text'), 5_000, () => 'the cr_text prompt');
  // While pending, 2.6 leaves each PUSH_REQUEST unanswered; the auth back-end repeats the question itself.
  await pushRequestsWhilePending(auth.lab, 1);
  await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, question, 30);
  await questionsReceived(client, 2);
  assert.deepEqual(client.prompts.filter((p) => p.kind === 'cr_text').map((p) => p.id), [asked.id], 'the repeat while open raised no prompt');
  assert.equal(client.closed.some((c) => c.promptId === asked.id), false, 'the open prompt stayed open');
  assert.ok(client.client.answerPrompt(asked.id, { response: secret('code-7788') }).ok);
  const answer = await auth.next('CR_RESPONSE');
  assert.equal(decode64(answer.args.at(-1)), 'code-7788');
  await auth.management.clientPendingAuth(answer.cid, answer.kid ?? 0, question, 30);
  await questionsReceived(client, 3);
  await pushRequestsWhilePending(auth.lab, 2);
  const exchanges = pendingExchanges(auth.lab);
  t.diagnostic(`server log: ${JSON.stringify(exchanges)}; client got INFO_PRE ${client.questions.join(', ')}`);
  assert.equal(exchanges.authPendingSent, 3, 'AUTH_PENDING went out once per client-pending-auth, never on its own');
  assert.ok(exchanges.pushRequestsWhilePending >= 2);
  assert.deepEqual(client.prompts.map((p) => p.kind), ['credentials', 'cr_text'], 'no prompt after the answer');
  await auth.management.clientAuthNt(answer.cid, answer.kid ?? 0);
  await waitUntil(() => client.connections[0], 10_000, () => 'the connection');
  assert.deepEqual(client.closed, [{ promptId: client.prompts[0]!.id, reason: 'answered' }, { promptId: asked.id, reason: 'answered' }]);
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

labTest('6. auth-token: a renegotiation and a reconnect sign in with the token, without a prompt or the password', { timeout: 20_000 }, async (t) => {
  const auth = await startAuthLab(t, ['auth-gen-token 60']);
  const passwords: string[] = [];
  auth.management.onEvent((event) => {
    if (event.kind !== 'client' || !['CONNECT', 'REAUTH'].includes(event.type)) return;
    passwords.push(event.env['password'] ?? '');
    void auth.management.clientAuthNt(event.cid, event.kid ?? 0);
  });
  const client = auth.connect(['reneg-sec 3']);
  const asked = await client.nextPrompt('credentials');
  client.client.answerPrompt(asked.id, { username: 'frank', password: secret(PASSWORD) });
  await client.waitConnected();
  const token = client.client.session?.tunnelConfig?.authToken?.reveal();
  assert.ok(token, 'the server pushed an auth-token');
  secretsUsed.add(token);
  const cid = (await auth.next('CONNECT')).cid;
  await waitUntil(() => client.logs.find((l) => /Renegotiated data-channel keys/.test(l.message)), 10_000, () => 'a renegotiation');
  await auth.management.clientKill(cid, 'RESTART');
  await client.waitConnected(2, 10_000);
  assert.equal(client.prompts.length, 1, 'asked once, at the start');
  assert.equal(passwords[0], PASSWORD);
  assert.ok(passwords.slice(1).every((p) => p !== PASSWORD), 'management never saw the password again');
  const tokenSignIns = auth.lab.serverLog().split('\n').filter((line) => /auth-token authentication succeeded for username 'frank'/.test(line));
  t.diagnostic(`token sign-ins in the server log: ${tokenSignIns.length}; management checks: ${passwords.length}`);
  assert.ok(tokenSignIns.length >= 2, 'the renegotiation and the reconnect both signed in with the token');
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

labTest('7. no secret appears in any log, phase detail, prompt or end reason of these tests', { timeout: 5_000 }, () => {
  assert.ok(transcripts.length >= 9, `transcripts of every client (${transcripts.length})`);
  assert.ok(secretsUsed.size >= 6, `secrets used (${secretsUsed.size})`);
  const all = transcripts.join('\n');
  for (const value of secretsUsed) {
    assert.equal(all.includes(value), false, `a secret (${value.length} characters) appeared in what the client reported`);
    assert.equal(all.includes(Buffer.from(value).toString('base64')), false, 'a secret appeared base64-encoded');
  }
  return Promise.resolve();
});
