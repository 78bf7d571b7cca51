import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '../../e2e/lab/lab';
import { LAB_GROUP, asUser, assertCheckoutReadable, labUsers, userFolder } from '../../e2e/lab/lab-users';
import { labTest } from '../../e2e/lab/lab-test';
import { SessionStatus } from '../api/index';
import { PosternProcess } from './testing/postern-process';

// Issue 17: renegotiations as a member of the helper's group sees them, against openvpn 2.6
// renegotiating every few seconds (its reneg-sec): the `renegotiated` event of each, and the
// story a client gets when it subscribes while the tunnel is already up (an app started late):
// the phases of the way up, and every renegotiation so far.

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const EVENT_WATCH = fileURLToPath(new URL('./testing/event-watch.ts', import.meta.url));
const RENEG_SECONDS = 4;

labTest('server reneg-sec 4: a late subscriber gets the story (phases, renegotiations) and a renegotiated event for each new key', { timeout: 120_000 }, async (t) => {
  const { member } = labUsers();
  assertCheckoutReadable(member, REPO);
  const lab = await startLab({ proto: 'udp', serverConfig: [`reneg-sec ${RENEG_SECONDS}`] });
  const socketDir = userFolder({ name: 'root', uid: 0, gid: 0 }, 'postern-story-sock-');
  const profileDir = userFolder(member, 'postern-story-profile-');
  const socketPath = join(socketDir, 'postern.sock');
  const processes: PosternProcess[] = [];
  const run = (args: readonly string[], program?: readonly string[], asMember = true): PosternProcess => {
    const env = { POSTERN_SOCKET: socketPath };
    const started = new PosternProcess(lab.clientNs, args, env, asMember ? (argv) => asUser(member, argv, env) : undefined, program);
    processes.push(started);
    return started;
  };
  t.after(async () => {
    for (const process of processes.reverse()) await process.stop('SIGTERM');
    await lab.stop();
    rmSync(socketDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  });

  const helper = run(['helper', '--group', LAB_GROUP], undefined, false);
  await waitUntil(() => existsSync(socketPath) && helper.stderr.join('').includes('listening on'), 15_000, () => helper.stderr.join(''));
  const profile = join(profileDir, 'reneg.ovpn');
  writeFileSync(profile, lab.clientProfile({ remote: 'link' }), { mode: 0o644 });
  const connect = run(['connect', profile, '--json']);
  assert.equal(await connect.exited, 0, `the member connects through the helper:\n${connect.stderr.join('')}`);

  // Subscribing only now, after the first renegotiation: what a window opened late sees.
  await new Promise((resolve) => setTimeout(resolve, (RENEG_SECONDS + 2) * 1000));
  const watch = run([socketPath], [process.execPath, '--import', 'tsx', EVENT_WATCH]);
  const subscribed = await watch.waitForLine((line) => line['type'] === 'subscribed');
  const session = SessionStatus.parse(subscribed['session']);
  const story = session.story;
  assert.ok(story, `the status carries the story: ${JSON.stringify(subscribed)}`);
  t.diagnostic(`story at subscribe: ${JSON.stringify(story)}`);
  assert.deepEqual(story.phases.map((p) => p.state).slice(-2), ['configuring', 'connected']);
  assert.ok(story.phases.some((p) => p.state === 'tls_handshake'), 'the way up from its beginning');
  assert.ok(story.phases.slice(0, -1).every((p) => p.durationMs !== null && p.durationMs >= 0));
  assert.ok(story.renegotiationCount >= 1, 'the renegotiation before the subscribe is in it');
  assert.equal(story.renegotiations.length, story.renegotiationCount);
  assert.equal(story.renegotiations[0]?.keyId, 1);
  assert.ok(story.renegotiations.every((r) => r.cause === 'server'), 'openvpn started each one (its reneg-sec)');

  // Two more, each told as it happens.
  const seenBefore = story.renegotiationCount;
  const events = async (count: number): Promise<Array<Record<string, unknown>>> => {
    await watch.waitForLine(() => watch.lines.filter((l) => l['type'] === 'renegotiated').length >= count, (RENEG_SECONDS * count + 15) * 1000);
    return watch.lines.filter((l) => l['type'] === 'renegotiated');
  };
  const told = await events(2);
  t.diagnostic(`events: ${JSON.stringify(told)}`);
  for (const [i, event] of told.entries()) {
    assert.equal(event['sessionId'], session.sessionId);
    assert.equal(event['cause'], 'server');
    assert.equal(event['keyId'], ((seenBefore + i) % 7) + 1, 'key ids go on 1..7');
    assert.ok(typeof event['tookMs'] === 'number' && event['tookMs'] < RENEG_SECONDS * 1000, `took ${String(event['tookMs'])} ms`);
    assert.ok(typeof event['atMs'] === 'number' && Math.abs(event['atMs'] - Date.now()) < 60_000);
  }
  // The member's `postern status --json` counts them too.
  const status = run(['status', '--json']);
  assert.equal(await status.exited, 0, status.stderr.join(''));
  const now = SessionStatus.parse(status.lines[0]?.['session']);
  assert.ok((now.story?.renegotiationCount ?? 0) >= seenBefore + 2, JSON.stringify(now.story));
  const disconnect = run(['disconnect']);
  assert.equal(await disconnect.exited, 0, disconnect.stderr.join(''));
});

async function waitUntil(predicate: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

labTest('server reneg-sec 3: `postern connect --json` (root, no helper) prints a renegotiated line per new key; the human log keeps core\'s line', { timeout: 90_000 }, async (t) => {
  const lab = await startLab({ proto: 'udp', serverConfig: ['reneg-sec 3'] });
  t.after(() => lab.stop());
  const profilePath = `${lab.dir}/reneg-json.ovpn`;
  writeFileSync(profilePath, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
  const postern = new PosternProcess(lab.clientNs, ['connect', profilePath, '--json']);
  t.after(() => postern.stop('SIGTERM'));
  await postern.waitForState('connected');
  await postern.waitForLine(() => postern.lines.filter((l) => l['type'] === 'renegotiated').length >= 2, 20_000);
  const lines = postern.lines.filter((l) => l['type'] === 'renegotiated');
  t.diagnostic(JSON.stringify(lines));
  assert.deepEqual(lines.map((l) => [l['keyId'], l['cause']]).slice(0, 2), [[1, 'server'], [2, 'server']]);
  assert.deepEqual(Object.keys(lines[0] ?? {}).sort(), ['atMs', 'cause', 'keyId', 'sessionId', 'tookMs', 'type']);
  const logged = postern.lines.filter((l) => l['type'] === 'log' && /^Renegotiated data-channel keys \(key id [12]\)\.$/.test(String((l['line'] as { message?: string }).message)));
  assert.ok(logged.length >= 2, 'core\'s log line stays');
});
