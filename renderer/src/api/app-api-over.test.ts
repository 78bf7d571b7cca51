import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppCallError } from '../../../electron/api/app-api';
import type { AppApi, AppEvent, CallEnvelope } from '../../../electron/api/app-api';
import { SNAPSHOT } from '../testing/fake-app-api';
import { LINK_LOST, appApiOver } from './app-api-over';
import { createAppApi, pickTransport } from './create-app-api';
import type { Transport } from './transport';

function fakeTransport(answer: (method: string) => CallEnvelope | Promise<CallEnvelope>) {
  let push: (event: unknown) => void = () => undefined;
  let reopen: () => void = () => undefined;
  let lose: () => void = () => undefined;
  let unsubscribed = 0;
  const transport: Transport = {
    invoke: async (method) => answer(method),
    subscribe: (listener, onReopen, onLost) => { push = listener; reopen = onReopen; lose = onLost; return () => { unsubscribed += 1; }; },
  };
  return { transport, push: (e: unknown) => push(e), reopen: () => reopen(), lose: () => lose(), unsubscribed: () => unsubscribed };
}

const rejectionCode = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppCallError);
    return error.code;
  }
  assert.fail('resolved');
};

test('results are validated; refusals become AppCallError with their code', async () => {
  const api = appApiOver(fakeTransport((method) => {
    if (method === 'app.snapshot') return { ok: true, result: SNAPSHOT };
    if (method === 'settings.update') return { ok: true, result: { launchAtLogin: 'yes' } };
    if (method === 'tunnel.connect') return { ok: false, error: { code: 'tunnel.already_running', message: 'busy' } };
    throw new Error('connection refused');
  }).transport);
  assert.deepEqual(await api.call('app.snapshot', {}), SNAPSHOT);
  assert.equal(await rejectionCode(api.call('settings.update', { launchAtLogin: true })), 'app.bad_result');
  assert.equal(await rejectionCode(api.call('tunnel.connect', { profileId: 'p' })), 'tunnel.already_running');
  assert.equal(await rejectionCode(api.call('tunnel.disconnect', {})), 'app.unreachable');
});

test('events are validated (bad ones dropped); a lost stream is told as an error; a reopened one brings a fresh snapshot', async () => {
  const fake = fakeTransport(() => ({ ok: true, result: SNAPSHOT }));
  const api = appApiOver(fake.transport);
  const seen: AppEvent[] = [];
  const stop = api.onEvent((event) => seen.push(event));
  fake.push({ type: 'helper', event: { type: 'log', line: { atMs: 1, level: 'info', message: 'hi' } } });
  fake.push({ type: 'helper', event: { type: 'log', line: { atMs: 1, level: 'shout', message: 'hi' } } });
  fake.push({ type: 'nonsense' });
  fake.lose();
  fake.reopen();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(seen.map((e) => e.type === 'helper' ? e.event.type : e.type), ['log', 'error', 'snapshot']);
  const lost = seen[1];
  assert.equal(lost?.type === 'helper' && lost.event.type === 'error' ? lost.event.code : '', LINK_LOST);
  stop();
  assert.equal(fake.unsubscribed(), 1, 'the last listener gone closes the stream');
});

test('createAppApi picks the preload bridge, an exposed AppApi, or the browser bridge', async () => {
  const invoked: string[] = [];
  const preload = { invoke: async (method: string) => { invoked.push(method); return { ok: true, result: SNAPSHOT } as CallEnvelope; }, subscribe: () => () => undefined };
  assert.deepEqual(await createAppApi({ postern: preload }).call('app.snapshot', {}), SNAPSHOT);
  assert.deepEqual(invoked, ['app.snapshot']);

  const exposed: AppApi = {
    call: (async () => { throw new AppCallError('profiles.not_found', 'gone'); }) as AppApi['call'],
    onEvent: () => () => undefined,
  };
  assert.equal(await rejectionCode(createAppApi({ postern: exposed }).call('profiles.delete', { id: 'x' })), 'profiles.not_found');

  const urls: string[] = [];
  const bridge = pickTransport({
    location: { search: '?token=abc' },
    fetch: async (url) => { urls.push(url); return { json: async () => ({ ok: true, result: {} }) }; },
    EventSource: class { onopen = null; onerror = null; onmessage = null; close(): void {} },
  });
  await bridge.invoke('tunnel.disconnect', {});
  assert.deepEqual(urls, ['/api/call']);
  assert.throws(() => pickTransport({}), /no window.postern/);
});
