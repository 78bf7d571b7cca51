import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, encodeFrame } from './frames';
import { HelperConnection } from './helper-connection';
import type { HelperEvent } from './events';
import { HELPER_PROTOCOL_VERSION, POSTERN_VERSION } from './version';

/** The helper's end of an in-memory pair: records requests, answers when the test says. */
class FakeHelper {
  readonly requests: Array<{ id: number; method: string; params: unknown }> = [];
  closedByClient = false;
  readonly connection: HelperConnection;

  constructor(options: { callTimeoutMs?: number } = {}) {
    const decoder = new FrameDecoder((m) => this.requests.push(m as { id: number; method: string; params: unknown }), () => assert.fail('client sent a bad frame'));
    this.connection = new HelperConnection({ write: (bytes) => decoder.push(bytes), close: () => { this.closedByClient = true; } }, options);
  }

  /** Sends one message to the client, split into single bytes to exercise reassembly. */
  send(message: unknown, split = false): void {
    const frame = encodeFrame(message);
    if (!split) return this.connection.receive(frame);
    for (let i = 0; i < frame.length; i++) this.connection.receive(frame.subarray(i, i + 1));
  }

  reply(result: unknown, index = this.requests.length - 1): void {
    this.send({ kind: 'response', id: this.requests[index]?.id, ok: true, result });
  }
}

const status = { session: null };

test('call sends a numbered request and resolves with the validated result', async () => {
  const helper = new FakeHelper();
  const first = helper.connection.call('tunnel.status', {});
  const second = helper.connection.call('log.recent', { limit: 5 });
  assert.deepEqual(helper.requests.map((r) => [r.id, r.method]), [[1, 'tunnel.status'], [2, 'log.recent']]);
  helper.send({ kind: 'response', id: 2, ok: true, result: { lines: [], extra: 'ignored' } }, true);
  helper.reply(status, 0);
  assert.deepEqual(await first, { ok: true, value: status });
  assert.deepEqual(await second, { ok: true, value: { lines: [] } });
});

test('a result that does not match the schema is ipc.bad_response; an error reply passes through', async () => {
  const helper = new FakeHelper();
  const bad = helper.connection.call('tunnel.status', {});
  helper.reply({ session: 'nope' });
  const badResult = await bad;
  assert.equal(badResult.ok ? '' : badResult.error.code, 'ipc.bad_response');
  const refused = helper.connection.call('tunnel.disconnect', {});
  helper.send({ kind: 'response', id: 2, ok: false, error: { code: 'ipc.forbidden', message: 'not yours' } });
  assert.deepEqual(await refused, { ok: false, error: { code: 'ipc.forbidden', message: 'not yours' } });
});

test('params that break the schema are refused before sending', async () => {
  const helper = new FakeHelper();
  const result = await helper.connection.call('log.recent', { limit: -1 });
  assert.equal(result.ok, false);
  assert.equal(helper.requests.length, 0);
});

test('events are validated: known ones reach listeners, unknown kinds are skipped', () => {
  const helper = new FakeHelper();
  const events: HelperEvent[] = [];
  const stop = helper.connection.onEvent((event) => events.push(event));
  const line = { type: 'log', line: { atMs: 1, level: 'info', message: 'hi' } } as const;
  helper.send({ kind: 'event', event: line });
  helper.send({ kind: 'event', event: { type: 'from_the_future', x: 1 } });
  helper.send({ kind: 'event', event: { ...line, newField: true } });
  stop();
  helper.send({ kind: 'event', event: line });
  assert.deepEqual(events, [line, line]);
  assert.equal(helper.connection.skippedEvents, 1);
});

test('hello sends our version and refuses a helper of another major version', async () => {
  const helper = new FakeHelper();
  const same = helper.connection.hello('test');
  assert.deepEqual(helper.requests[0]?.params, { protocolVersion: HELPER_PROTOCOL_VERSION, client: 'test', clientVersion: POSTERN_VERSION });
  helper.reply({ protocolVersion: { major: HELPER_PROTOCOL_VERSION.major, minor: 7 }, helperVersion: '0.1.0', uid: 1000 });
  assert.equal((await same).ok, true);

  const other = new FakeHelper();
  const closed: unknown[] = [];
  other.connection.onClosed((reason) => closed.push(reason));
  const newer = other.connection.hello('test');
  other.reply({ protocolVersion: { major: HELPER_PROTOCOL_VERSION.major + 1, minor: 0 }, helperVersion: '9.0.0', uid: 1000 });
  const result = await newer;
  assert.equal(result.ok ? '' : result.error.code, 'ipc.version_mismatch');
  assert.match(result.ok ? '' : result.error.message, new RegExp(`The helper is Postern 9\\.0\\.0 .* is Postern ${POSTERN_VERSION.replaceAll('.', '\\.')} .* Update the client "test" to Postern 9\\.0\\.0\\.$`));
  assert.equal(other.closedByClient, true);
  assert.equal(closed.length, 1);
});

test('when the transport closes, pending calls end with the reason and onClosed fires once', async () => {
  const helper = new FakeHelper();
  const reasons: unknown[] = [];
  helper.connection.onClosed((reason) => reasons.push(reason));
  const pending = helper.connection.call('tunnel.disconnect', {});
  helper.send({ kind: 'response', id: null, ok: false, error: { code: 'ipc.frame_too_large', message: 'too big' } });
  helper.connection.transportClosed();
  helper.connection.transportClosed();
  assert.deepEqual(await pending, { ok: false, error: { code: 'ipc.frame_too_large', message: 'too big' } });
  assert.deepEqual(reasons, [{ code: 'ipc.frame_too_large', message: 'too big' }]);
  const late = await helper.connection.call('tunnel.status', {});
  assert.equal(late.ok ? '' : late.error.code, 'ipc.frame_too_large');
});

test('a call without an answer times out; a broken frame from the helper closes the connection', async () => {
  const helper = new FakeHelper({ callTimeoutMs: 20 });
  const result = await helper.connection.call('tunnel.status', {});
  assert.equal(result.ok ? '' : result.error.code, 'ipc.timeout');
  helper.reply(status); // a late answer is ignored
  const junk = new Uint8Array([0, 0, 0, 2, 0x7b, 0x7b]);
  helper.connection.receive(junk);
  assert.equal(helper.connection.closed, true);
  assert.equal(helper.closedByClient, true);
});
