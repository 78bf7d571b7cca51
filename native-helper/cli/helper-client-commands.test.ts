import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startIpcServer } from '../ipc/ipc-server';
import type { IpcServer } from '../ipc/ipc-server';
import { MemoryTunnelBackend } from '../ipc/testing/memory-tunnel-backend';
import { connectViaHelper } from './connect-via-helper';
import { runHelper } from './helper-command';
import { runLogs } from './logs-command';
import { main } from './main';

// The helper's backend is the in-memory stand-in (ipc/testing/memory-tunnel-backend.ts);
// the socket, the server and the commands are the real ones.

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const profile = join(repo, 'core', 'config', 'fixtures', 'connection-blocks.ovpn');
const root = { uid: 0, pid: 1 };

interface Fixture {
  dir: string;
  socketPath: string;
  backend: MemoryTunnelBackend;
  server: IpcServer;
  [Symbol.asyncDispose](): Promise<void>;
}

async function startFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-cli-'));
  const socketPath = join(dir, 'postern.sock');
  const backend = new MemoryTunnelBackend();
  const started = await startIpcServer({ socketPath, backend, group: null });
  assert.ok(started.ok, started.ok ? '' : started.error.message);
  return {
    dir, socketPath, backend, server: started.value,
    async [Symbol.asyncDispose]() {
      await started.value.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function captureIo(): { io: { out(t: string): void; err(t: string): void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { out: (t) => { out += t; }, err: (t) => { err += t; } }, out: () => out, err: () => err };
}

async function postern(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const capture = captureIo();
  const code = await main(argv, capture.io);
  return { code, out: capture.out(), err: capture.err() };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('status, logs and disconnect talk to a running helper', async () => {
  await using fixture = await startFixture();
  const socket = ['--socket', fixture.socketPath];
  assert.deepEqual(await postern('status', ...socket), { code: 0, out: 'No tunnel is running.\n', err: '' });

  assert.ok(fixture.backend.connect({ profile: { name: 'work', text: 'client\n' } }, root).ok);
  await new Promise((resolve) => setImmediate(resolve)); // the stand-in moves to 'connecting' in a microtask
  fixture.backend.setState('connected');
  fixture.backend.log('first line');
  fixture.backend.log('second line');
  const status = await postern('status', ...socket);
  assert.equal(status.code, 0, status.err);
  assert.match(status.out, /^work: connected for 0s\n/);
  const json = await postern('status', '--json', ...socket);
  assert.equal((JSON.parse(json.out) as { session: { state: string } }).session.state, 'connected');

  const logs = await postern('logs', '-n', '1', ...socket);
  assert.match(logs.out, /^\d\d:\d\d:\d\d\.\d\d\d info {2}second line\n$/);
  const jsonLogs = await postern('logs', '--json', ...socket);
  assert.deepEqual(jsonLogs.out.trim().split('\n').map((l) => (JSON.parse(l) as { line: { message: string } }).line.message), ['first line', 'second line']);

  assert.deepEqual(await postern('disconnect', ...socket), { code: 0, out: 'Disconnected.\n', err: '' });
  const again = await postern('disconnect', ...socket);
  assert.equal(again.code, 1);
  assert.match(again.err, /\[tunnel\.not_running\]/);
});

test('without a helper, the client commands say how to start one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-cli-'));
  try {
    const run = await postern('status', '--socket', join(dir, 'none.sock'));
    assert.equal(run.code, 1);
    assert.match(run.err, /No Postern helper is running at .*none\.sock.*sudo npx postern helper \[ipc\.helper_unavailable\]/);
    const json = await postern('disconnect', '--json', '--socket', join(dir, 'none.sock'));
    assert.equal((JSON.parse(json.out) as { code: string }).code, 'ipc.helper_unavailable');
    assert.equal((await postern('logs', '-n', 'many')).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('logs --follow prints the history, then new lines, until Ctrl-C', async () => {
  await using fixture = await startFixture();
  assert.ok(fixture.backend.connect({ profile: { name: 'work', text: 'client\n' } }, root).ok);
  fixture.backend.log('old line');
  let stop = (): void => {};
  const capture = captureIo();
  const done = runLogs(['--follow', '--socket', fixture.socketPath], capture.io, {}, (handler) => { stop = handler; return () => {}; });
  await until(() => capture.out().includes('old line'));
  fixture.backend.log('new line');
  await until(() => capture.out().includes('new line'));
  stop();
  assert.equal(await done, 0);
  assert.equal(capture.out().split('\n').filter((l) => l !== '').length, 2);
});

test('connectViaHelper sends the self-contained profile and returns once connected', async () => {
  await using fixture = await startFixture();
  const authFile = join(fixture.dir, 'auth.txt');
  writeFileSync(authFile, 'alice\nS3cret-pass\n');
  const capture = captureIo();
  const done = connectViaHelper(profile, { socketPath: fixture.socketPath, json: true, authFile }, capture.io);
  await until(() => capture.out().includes('"connecting"'));
  fixture.backend.setState('connected');
  assert.equal(await done, 0, capture.err());

  const [sent] = fixture.backend.connects;
  assert.equal(sent?.params.profile.name, 'connection-blocks');
  assert.match(sent?.params.profile.text ?? '', /<tls-auth>/);
  assert.deepEqual(sent?.params.credentials, { username: 'alice', password: 'S3cret-pass' });
  const states = capture.out().trim().split('\n').map((l) => (JSON.parse(l) as { state: string }).state);
  assert.deepEqual(states, ['connecting', 'connected']);
  assert.doesNotMatch(capture.out(), /S3cret/);

  // A second attempt while it runs: the helper's refusal, as a JSON error line.
  const second = captureIo();
  assert.equal(await connectViaHelper(profile, { socketPath: fixture.socketPath, json: true }, second.io), 1);
  assert.equal((JSON.parse(second.out()) as { code: string }).code, 'tunnel.already_running');
});

test('postern helper serves until SIGTERM, then shuts the service down and removes the socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-cli-'));
  const socketPath = join(dir, 'run', 'postern.sock');
  const backend = new MemoryTunnelBackend();
  let shutdowns = 0;
  const service = Object.assign(backend, { shutdown: async () => { shutdowns++; await backend.disconnect(); } });
  let stop = (): void => {};
  const capture = captureIo();
  try {
    const running = runHelper(['--socket', socketPath, '--group', 'no-such-group-postern'], capture.io, { uid: 0, createService: () => service, onStopSignal: (handler) => { stop = handler; return () => {}; } });
    await until(() => existsSync(socketPath));
    // A second helper with its socket in the same folder is refused while this one runs.
    const second = captureIo();
    assert.equal(await runHelper(['--socket', join(dir, 'run', 'other.sock')], second.io, { uid: 0, createService: () => service, onStopSignal: () => () => {} }), 1);
    assert.match(second.err(), /another Postern helper is running with its socket in .*: pid \d+/);
    assert.ok(backend.connect({ profile: { name: 'work', text: 'client\n' } }, root).ok);
    // A profile name that tries to forge a log line and restyle the terminal.
    backend.log('evil\n2026-12-03T00:00:00.000Z info  forged line\u001b[31m');
    const status = await postern('status', '--socket', socketPath);
    assert.match(status.out, /^work: connecting/);
    stop();
    assert.equal(await running, 0);
    assert.equal(shutdowns, 1);
    assert.equal(existsSync(socketPath), false);
    const logged = capture.err();
    assert.match(logged, /the group 'no-such-group-postern' does not exist: serving root only/);
    assert.match(logged, /listening on .*postern\.sock for root only[\s\S]*work: disconnected[\s\S]*stopped/);
    assert.match(logged, /evil\\u000a2026-12-03T00:00:00\.000Z info {2}forged line\\u001b\[31m/);
    assert.doesNotMatch(logged, /\n2026-12-03T00:00:00\.000Z info {2}forged/, 'no forged line of its own');
    assert.equal(logged.includes('\u001b'), false, 'no escape reaches the terminal');
    const notRoot = captureIo();
    assert.equal(await runHelper([], notRoot.io, { uid: 1000, onStopSignal: () => () => {} }), 1);
    assert.match(notRoot.err(), /sudo systemctl start postern-helper; from a checkout: sudo npx postern helper/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
