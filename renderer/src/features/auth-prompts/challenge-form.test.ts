import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { AppSnapshot } from '../../../../electron/api/app-api';
import type { Prompt, RememberUnavailableReason } from '../../../../electron/api/app-api';
import { rememberUnavailableText } from '../../remember-text';
import { createAppStore } from '../../store/app-store';
import { SNAPSHOT, fakeAppApi } from '../../testing/fake-app-api';
import { renderMarkup } from '../../testing/render-markup';
import { ChallengeForm } from './challenge-form';

const credentials: Prompt = { id: 'q1', kind: 'credentials', text: 'Sign in', echo: false, timeoutSeconds: null, needs: { username: true, password: true, response: false } };
const crText: Prompt = { id: 'q2', kind: 'cr_text', text: 'Code?', echo: false, timeoutSeconds: 30, needs: { username: false, password: false, response: true } };

/** The sign-in form after main's snapshot said what it says about remembering. */
function formMarkup(remember: { rememberAvailable: boolean; rememberUnavailableReason?: RememberUnavailableReason }, prompt = credentials): string {
  const fake = fakeAppApi();
  const store = createAppStore(fake.api);
  store.getState().start();
  // Validated as the window validates main's events (app-api-over.ts).
  fake.emit({ type: 'snapshot', snapshot: AppSnapshot.parse({ ...SNAPSHOT, ...remember }) });
  return renderMarkup(store, createElement(ChallengeForm, { prompt }));
}

test('no keyring: no "remember" box, and the form says plainly why', () => {
  const html = formMarkup({ rememberAvailable: false, rememberUnavailableReason: 'no_keyring' });
  assert.doesNotMatch(html, /auth-remember"/);
  assert.match(html, /data-testid="auth-remember-unavailable" data-reason="no_keyring"/);
  assert.ok(html.includes('Postern can&#x27;t remember passwords here: this system has no keyring (Secret Service / KWallet) for it to encrypt them with.'), html);
});

test('browser mode keeps "remember" hidden and gives its own plain reason', () => {
  const html = formMarkup({ rememberAvailable: false, rememberUnavailableReason: 'browser_mode' });
  assert.doesNotMatch(html, /auth-remember"/);
  assert.match(html, /data-reason="browser_mode"[^>]*>Postern can&#x27;t remember passwords here: in browser mode/);
});

test('with a keyring the box is offered and no reason is shown', () => {
  const html = formMarkup({ rememberAvailable: true });
  assert.match(html, /data-testid="auth-remember"/);
  assert.doesNotMatch(html, /auth-remember-unavailable/);
});

test('a question that is never remembered (CR_TEXT) shows neither', () => {
  assert.doesNotMatch(formMarkup({ rememberAvailable: false, rememberUnavailableReason: 'no_keyring' }, crText), /auth-remember/);
});

test('every reason main can send has its own words', () => {
  const reasons = AppSnapshot.shape.rememberUnavailableReason.unwrap().options;
  const texts = reasons.map((reason) => rememberUnavailableText(reason));
  assert.equal(new Set(texts).size, reasons.length);
  for (const text of texts) assert.match(text, /^Postern can't remember passwords here: /);
  assert.equal(rememberUnavailableText(null), 'Postern can\'t remember passwords here.');
});
