import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { createAppStore } from '../store/app-store';
import { SNAPSHOT, fakeAppApi, settle } from '../testing/fake-app-api';
import { renderMarkup } from '../testing/render-markup';
import { Banners } from './banners';

test('a helper of another release: the banner says so (not "not running") and shows the message naming what to update', async () => {
  const message = 'The helper is Postern 0.1.0 (protocol 1.x); the Postern app is Postern 0.3.0 (protocol 2.x). Update the helper to Postern 0.3.0 or later (the postern package), then restart it: sudo systemctl restart postern-helper.';
  const store = createAppStore(fakeAppApi({
    'app.snapshot': () => ({ ...SNAPSHOT, helper: { state: 'unavailable', code: 'ipc.version_mismatch', message, howToStart: 'Start the helper: …' }, killSwitch: null }),
  }).api);
  store.getState().start();
  await settle();
  const html = renderMarkup(store, createElement(Banners));
  assert.match(html, /data-code="ipc.version_mismatch"><strong>The Postern helper and this app are from different releases\.<\/strong>/);
  assert.match(html, /Update the helper to Postern 0\.3\.0 or later \(the postern package\), then restart it: sudo systemctl restart postern-helper\./);
  assert.doesNotMatch(html, /Start the helper/, 'it runs: starting it is not the fix');
});
