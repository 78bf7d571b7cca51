import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { createAppStore } from '../../store/app-store';
import { SNAPSHOT, fakeAppApi, session, settle } from '../../testing/fake-app-api';
import { renderMarkup } from '../../testing/render-markup';
import { ReconnectHistory } from './reconnect-history';

test('the reconnect history: nothing before the first, then each with its cause in words and the time it took, newest first', async () => {
  const fake = fakeAppApi({ 'app.snapshot': () => ({ ...SNAPSHOT, session: session({ state: 'connected' }) }) });
  const store = createAppStore(fake.api, () => 1_000_000);
  store.getState().start();
  await settle();
  assert.equal(renderMarkup(store, createElement(ReconnectHistory)), '');
  const sessionId = store.getState().connection?.sessionId ?? '';
  const reconnected = (code: string, tookMs: number): void => fake.emit({ type: 'helper', event: { type: 'reconnected', sessionId, reason: { code, message: '' }, tookMs } });
  reconnected('network.changed', 700);
  reconnected('some.new_code', 3_000);
  const html = renderMarkup(store, createElement(ReconnectHistory));
  assert.match(html, /Reconnected 2 times/);
  const first = html.indexOf('the connection was lost');
  const second = html.indexOf('because the network changed');
  assert.ok(first > 0 && second > first, `newest first, unknown codes in plain words: ${html}`);
});
