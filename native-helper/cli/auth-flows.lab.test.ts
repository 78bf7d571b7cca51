import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Lab } from '../../e2e/lab/lab';
import { startManagedLab } from '../../e2e/lab/managed-lab';
import type { ClientEvent } from '../../e2e/lab/managed-lab';
import { labTest } from '../../e2e/lab/lab-test';
import { LAB_GROUP, asUser, labUsers, userFolder } from '../../e2e/lab/lab-users';
import type { ManagementClient } from '../../e2e/lab/management';
import { POSTERN_BIN, PosternProcess } from './testing/postern-process';

// Every sign-in flow of an OpenVPN 2.6 server, end to end, as the people who use them run
// it: `postern connect --json` as a normal user (a member of the helper's group), through
// the helper running as root in the client namespace. Prompts arrive as JSON lines,
// answers go in on stdin, and the server side is driven through the real server's
// management interface (management-client-auth). The auth-token and terminal flows run
// the root, in-process `connect` (the path `openvpn --config` users take).

interface AuthLab {
  lab: Lab;
  management: ManagementClient;
  /** `postern connect --json` as the lab's member, through the helper, with the lab profile plus `extra` lines. */
  connect(extra?: readonly string[]): PosternProcess;
  /** The same as root, the tunnel in the command's own process. */
  connectAsRoot(extra?: readonly string[]): PosternProcess;
  /** `postern disconnect` as the member: the helper's tunnel ends, the next connect may start. */
  disconnect(): Promise<void>;
  /** The next CLIENT:CONNECT / REAUTH / CR_RESPONSE the server asks management about. */
  nextClientEvent(type: string): Promise<ClientEvent>;
  /** Everything the Postern processes printed (for the secrets check), the helper's log included. */
  output(): string;
}

async function startAuthLab(t: TestContext, serverConfig: readonly string[] = []): Promise<AuthLab> {
  const { member } = labUsers();
  const { lab, management, nextClientEvent } = await startManagedLab(serverConfig);
  const folder = userFolder(member, 'postern-auth-');
  const socketDir = mkdtempSync(join(tmpdir(), 'postern-auth-sock-'));
  chmodSync(socketDir, 0o755);
  const socketPath = join(socketDir, 'postern.sock');
  const processes: PosternProcess[] = [];
  const helper = new PosternProcess(lab.clientNs, ['helper', '--socket', socketPath, '--group', LAB_GROUP]);
  const deadline = Date.now() + 15_000;
  while (!existsSync(socketPath) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.after(async () => {
    for (const process of processes) await process.stop('SIGKILL');
    await helper.stop('SIGTERM');
    await lab.stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(socketDir, { recursive: true, force: true });
  });
  const asMember = (argv: readonly string[]): string[] => asUser(member, argv, { POSTERN_SOCKET: socketPath });
  const profile = (extra: readonly string[]): string => {
    const path = join(folder, `auth-${processes.length}.ovpn`);
    writeFileSync(path, lab.clientProfile({ remote: 'link', extra: ['auth-user-pass', ...extra] }), { mode: 0o600 });
    chownSync(path, member.uid, member.gid);
    return path;
  };
  const started = (postern: PosternProcess): PosternProcess => {
    processes.push(postern);
    return postern;
  };
  return {
    lab, management, nextClientEvent,
    connect: (extra = []) => {
      const path = profile(extra);
      return started(new PosternProcess(undefined, ['connect', path, '--json', '--socket', socketPath], {}, asMember));
    },
    connectAsRoot: (extra = []) => started(new PosternProcess(lab.clientNs, ['connect', profile(extra), '--json'])),
    disconnect: async () => {
      const disconnect = started(new PosternProcess(undefined, ['disconnect', '--socket', socketPath], {}, asMember));
      assert.equal(await disconnect.exited, 0, disconnect.stderr.join(''));
    },
    output: () => [...processes, helper].map((p) => `${p.lines.map((l) => JSON.stringify(l)).join('\n')}\n${p.stderr.join('')}`).join('\n'),
  };
}

function prompt(postern: PosternProcess, kind: string, after = 0): Promise<Record<string, unknown>> {
  return postern.waitForLine((line) => line['type'] === 'prompt' && line['kind'] === kind && postern.lines.indexOf(line) >= after);
}

function prompts(postern: PosternProcess, kind: string): number {
  return postern.lines.filter((line) => line['type'] === 'prompt' && line['kind'] === kind).length;
}

/** How the tunnel failed: an error line (in-process) or the last state's error (through the helper). */
async function failure(postern: PosternProcess): Promise<{ code: string; message: string }> {
  const line = await postern.waitForLine((l) => l['type'] === 'error' || (l['type'] === 'state' && l['state'] === 'disconnected' && l['error'] !== undefined));
  return (line['type'] === 'error' ? line : line['error']) as { code: string; message: string };
}

/**
 * Sends the same AUTH_PENDING question again through management and waits until the
 * server has sent it (its log) and a moment for it to reach the client.
 */
async function repeatPending(auth: AuthLab, client: ClientEvent, question: string): Promise<void> {
  const sent = (): number => auth.lab.serverLog().split('\n').filter((line) => /SENT CONTROL .*AUTH_PENDING/.test(line)).length;
  const before = sent();
  await auth.management.clientPendingAuth(client.cid, client.kid ?? 0, question, 30);
  const deadline = Date.now() + 5000;
  while (sent() <= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(sent() > before, 'the server sent the question again');
  await new Promise((resolve) => setTimeout(resolve, 500));
}

function assertNoSecrets(output: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    assert.equal(output.includes(secret), false, 'a secret appeared in what Postern printed');
    assert.equal(output.includes(Buffer.from(secret).toString('base64')), false, 'a secret appeared (base64) in what Postern printed');
  }
}

const PASSWORD = 'correct horse battery';

labTest('credentials: a password asked on stdin is accepted; a wrong one ends with the server\'s reason after one attempt', async (t) => {
  const auth = await startAuthLab(t);
  const first = auth.connect();
  const asked = await prompt(first, 'credentials');
  assert.deepEqual(asked['needs'], { username: true, password: true, response: false });
  assert.equal(asked['echo'], false);
  first.send({ id: asked['id'], username: 'alice', password: PASSWORD });
  const connect = await auth.nextClientEvent('CONNECT');
  assert.equal(connect.env['username'], 'alice');
  assert.equal(connect.env['password'], PASSWORD);
  assert.match(connect.env['IV_SSO'] ?? '', /webauth/);
  await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await first.waitForState('connected');
  assert.equal(await first.exited, 0, 'connected: the helper holds the tunnel, the command returns');
  assert.equal(prompts(first, 'credentials'), 1);
  await auth.disconnect();

  const wrong = auth.connect();
  const again = await prompt(wrong, 'credentials');
  wrong.send({ id: again['id'], username: 'alice', password: 'not it' });
  const refused = await auth.nextClientEvent('CONNECT');
  await auth.management.clientDeny(refused.cid, refused.kid ?? 0, 'bad password', 'Wrong username or password');
  assert.equal(await wrong.exited, 1);
  const error = await failure(wrong);
  assert.equal(error.code, 'auth.failed');
  assert.match(error.message, /Wrong username or password/);
  const attempts = auth.management.events.filter((e) => e.kind === 'client' && e.type === 'CONNECT').length;
  assert.equal(attempts, 2, 'one attempt each: a refused password is not retried (auth-retry none)');
  assertNoSecrets(auth.output(), [PASSWORD, 'not it']);
});

labTest('static challenge: SCRV1 carries the password and the OTP; only the right OTP connects', async (t) => {
  const auth = await startAuthLab(t);
  const run = async (otp: string, accept: boolean): Promise<PosternProcess> => {
    const postern = auth.connect(['static-challenge "Enter your OTP" 1']);
    const asked = await prompt(postern, 'static_challenge');
    assert.equal(asked['text'], 'Enter your OTP');
    assert.equal(asked['echo'], true);
    assert.deepEqual(asked['needs'], { username: true, password: true, response: true });
    postern.send({ id: asked['id'], username: 'bob', password: PASSWORD, response: otp });
    const connect = await auth.nextClientEvent('CONNECT');
    const [scheme, password, response] = (connect.env['password'] ?? '').split(':');
    assert.equal(scheme, 'SCRV1');
    assert.equal(Buffer.from(password ?? '', 'base64').toString(), PASSWORD);
    const received = Buffer.from(response ?? '', 'base64').toString();
    if (accept && received === '123456') await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
    else await auth.management.clientDeny(connect.cid, connect.kid ?? 0, 'bad otp', 'Wrong code');
    return postern;
  };
  const wrong = await run('000000', true);
  assert.equal(await wrong.exited, 1);
  const right = await run('123456', true);
  await right.waitForState('connected');
  assert.equal(await right.exited, 0);
  await auth.disconnect();
  assertNoSecrets(auth.output(), [PASSWORD, '123456', '000000']);
});

labTest('dynamic challenge (CRV1): the first attempt is challenged, the answer connects on the second', async (t) => {
  const auth = await startAuthLab(t);
  const postern = auth.connect();
  const asked = await prompt(postern, 'credentials');
  postern.send({ id: asked['id'], username: 'carol', password: PASSWORD });
  const first = await auth.nextClientEvent('CONNECT');
  const user = Buffer.from('carol').toString('base64');
  await auth.management.clientDeny(first.cid, first.kid ?? 0, 'challenge', `CRV1:R,E:state42:${user}:Enter the PIN from your token`);
  const challenge = await prompt(postern, 'dynamic_challenge');
  assert.equal(challenge['text'], 'Enter the PIN from your token');
  assert.equal(challenge['echo'], true);
  assert.equal(challenge['username'], 'carol');
  postern.send({ id: challenge['id'], response: '8642' });
  const second = await auth.nextClientEvent('CONNECT');
  assert.equal(second.env['username'], 'carol');
  assert.equal(second.env['password'], 'CRV1::state42::8642');
  await auth.management.clientAuthNt(second.cid, second.kid ?? 0);
  await postern.waitForState('connected');
  assert.equal(await postern.exited, 0);
  await auth.disconnect();
  assertNoSecrets(auth.output(), [PASSWORD, '8642']);
});

labTest('AUTH_PENDING with CR_TEXT: asked once however often the server repeats it; the right code connects, a wrong one is refused', async (t) => {
  const auth = await startAuthLab(t);
  const TEXT = 'CR_TEXT:R,E:Enter the code we texted you';
  const run = async (code: string): Promise<{ postern: PosternProcess; received: string }> => {
    const postern = auth.connect();
    const asked = await prompt(postern, 'credentials');
    postern.send({ id: asked['id'], username: 'dave', password: PASSWORD });
    const connect = await auth.nextClientEvent('CONNECT');
    await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, TEXT, 30);
    const question = await prompt(postern, 'cr_text');
    assert.equal(question['text'], 'Enter the code we texted you');
    assert.equal(question['timeoutSeconds'], 30);
    await postern.waitForState('auth_pending');
    // The same question again while it is open (a server's sign-in backend may re-send it).
    await repeatPending(auth, connect, TEXT);
    postern.send({ id: question['id'], response: code });
    const answer = await auth.nextClientEvent('CR_RESPONSE');
    const received = Buffer.from(answer.args.at(-1) ?? '', 'base64').toString();
    // ...and once more after it was answered: still the same question, not a new dialog.
    await repeatPending(auth, answer, TEXT);
    if (received === '5150') await auth.management.clientAuthNt(answer.cid, answer.kid ?? 0);
    else await auth.management.clientDeny(answer.cid, answer.kid ?? 0, 'wrong code', 'Wrong code');
    return { postern, received };
  };
  const right = await run('5150');
  assert.equal(right.received, '5150');
  await right.postern.waitForState('connected');
  assert.equal(await right.postern.exited, 0);
  assert.equal(prompts(right.postern, 'cr_text'), 1, 'one question, one prompt');
  await auth.disconnect();
  const wrong = await run('0000');
  assert.equal(await wrong.postern.exited, 1);
  assert.equal((await failure(wrong.postern)).code, 'auth.failed');
  assert.equal(prompts(wrong.postern, 'cr_text'), 1);
  assertNoSecrets(auth.output(), [PASSWORD, '5150']);
});

labTest('AUTH_PENDING with WEB_AUTH: the URL reaches the client once, however often the server repeats it, and management completes it; a second run times out clearly', async (t) => {
  const auth = await startAuthLab(t);
  const url = 'https://sso.example.test/login?state=xyz';
  const postern = auth.connect();
  const asked = await prompt(postern, 'credentials');
  postern.send({ id: asked['id'], username: 'erin', password: PASSWORD });
  const connect = await auth.nextClientEvent('CONNECT');
  await auth.management.clientPendingAuth(connect.cid, connect.kid ?? 0, `WEB_AUTH::${url}`, 30);
  const web = await prompt(postern, 'web_auth');
  assert.equal(web['url'], url);
  assert.equal(web['timeoutSeconds'], 30);
  await repeatPending(auth, connect, `WEB_AUTH::${url}`);
  await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await postern.waitForState('connected');
  assert.equal(prompts(postern, 'web_auth'), 1, 'one web sign-in, one browser tab');
  assert.equal(await postern.exited, 0);
  await auth.disconnect();

  const slow = auth.connect();
  const again = await prompt(slow, 'credentials');
  slow.send({ id: again['id'], username: 'erin', password: PASSWORD });
  const pending = await auth.nextClientEvent('CONNECT');
  await auth.management.clientPendingAuth(pending.cid, pending.kid ?? 0, `WEB_AUTH::${url}`, 3);
  await prompt(slow, 'web_auth');
  assert.equal(await slow.exited, 1);
  const error = await failure(slow);
  assert.equal(error.code, 'auth.pending_timeout');
  assert.match(error.message, /did not finish the sign-in/);
  assertNoSecrets(auth.output(), [PASSWORD]);
});

labTest('auth-token: a reconnect and a renegotiation sign in with the token, without asking again', { timeout: 60_000 }, async (t) => {
  const auth = await startAuthLab(t, ['auth-gen-token 120']);
  const passwords: string[] = [];
  auth.management.onEvent((event) => {
    if (event.kind !== 'client' || !['CONNECT', 'REAUTH'].includes(event.type)) return;
    passwords.push(event.env['password'] ?? '');
    void auth.management.clientAuthNt(event.cid, event.kid ?? 0);
  });
  const postern = auth.connectAsRoot(['reneg-sec 4']);
  const asked = await prompt(postern, 'credentials');
  postern.send({ id: asked['id'], username: 'frank', password: PASSWORD });
  const connected = await postern.waitForState('connected');
  const cid = Number((await auth.nextClientEvent('CONNECT')).cid);
  await postern.waitForLine((line) => line['type'] === 'log' && /Renegotiated data-channel keys/.test(JSON.stringify(line)), 15_000);
  await auth.management.clientKill(cid, 'RESTART');
  await postern.waitForLine((line) => line['type'] === 'state' && line['state'] === 'connected' && line !== connected, 20_000);
  assert.equal(postern.lines.filter((line) => line['type'] === 'prompt').length, 1, 'asked once, at the start');
  assert.equal(passwords[0], PASSWORD);
  // The server checks a valid token itself (management is not asked again) and says so in its log.
  const tokenSignIns = auth.lab.serverLog().split('\n').filter((line) => /Username\/auth-token authentication succeeded for username 'frank'/.test(line));
  assert.ok(tokenSignIns.length >= 2, `the renegotiation and the reconnect both signed in with the token:\n${tokenSignIns.join('\n')}`);
  for (const later of passwords.slice(1)) assert.notEqual(later, PASSWORD, 'later sign-ins use the token, not the password');
  assert.equal(await postern.stop(), 0);
  assertNoSecrets(auth.output(), [PASSWORD, ...passwords.slice(1).filter((p) => p.length > 8)]);
});

labTest('on a terminal: the username is echoed, the password is not, and Ctrl-C disconnects cleanly', async (t) => {
  const auth = await startAuthLab(t);
  const path = `${auth.lab.dir}/tty.ovpn`;
  writeFileSync(path, auth.lab.clientProfile({ remote: 'link', extra: ['auth-user-pass'] }), { mode: 0o600 });
  // util-linux `script` gives postern a real pseudo-terminal; what we write goes in as keystrokes.
  // It runs the command with $SHELL -c; `exec` makes postern the terminal's only process, because
  // dash (CI's sh) would otherwise wait as its parent and die of the Ctrl-C itself (exit 130).
  const command = ['exec', 'ip', 'netns', 'exec', auth.lab.clientNs, process.execPath, POSTERN_BIN, 'connect', path].join(' ');
  const terminal = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' } });
  t.after(() => { terminal.kill('SIGKILL'); });
  let screen = '';
  terminal.stdout.on('data', (chunk: Buffer) => { screen += chunk.toString(); });
  const waitFor = async (pattern: RegExp): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!pattern.test(screen)) {
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitFor(/Username: $/);
  terminal.stdin.write('alice\r');
  await waitFor(/Password: $/);
  terminal.stdin.write(`${PASSWORD}\r`);
  const connect = await auth.nextClientEvent('CONNECT');
  assert.equal(connect.env['password'], PASSWORD);
  await auth.management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await waitFor(/Connected in \d+ ms/);
  assert.match(screen, /Username: alice/);
  assert.equal(screen.includes(PASSWORD), false, 'the password never reaches the screen');
  terminal.stdin.write('\u0003');
  const code = await new Promise<number | null>((resolve) => terminal.once('exit', resolve));
  assert.equal(code, 0, `Ctrl-C ends with exit 0:\n${screen}`);
  assert.match(screen, /Disconnected\.\r?\n/);
});
