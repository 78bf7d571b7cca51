import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret } from '../wire/secret';
import type { AuthPrompt } from './auth-prompt';
import { NO_AUTH } from './auth-policy';
import { isWebUrl } from './pending-auth';
import { PromptBox } from './prompt-box';
import { SignIn } from './sign-in';

function box(): { prompts: PromptBox; asked: AuthPrompt[]; closed: string[] } {
  const asked: AuthPrompt[] = [];
  const closed: string[] = [];
  const prompts = new PromptBox({ onPrompt: (p) => asked.push(p), onPromptClosed: (id, reason) => closed.push(`${id}:${reason}`) });
  return { prompts, asked, closed };
}

test('known credentials are used without asking; a profile without auth-user-pass sends none', async () => {
  const { prompts, asked } = box();
  const known = new SignIn({ ...NO_AUTH, userPass: true, credentials: { username: 'u', password: new Secret('pw') } }, prompts);
  const result = await known.forAttempt(false);
  assert.equal(result.ok && result.credentials?.password.reveal(), 'pw');
  const none = await new SignIn(NO_AUTH, prompts).forAttempt(false);
  assert.deepEqual(none, { ok: true, credentials: undefined });
  assert.equal(asked.length, 0);
});

test('static challenge: one prompt for what is missing plus the response; SCRV1 and concat encodings', async () => {
  for (const [format, expected] of [['scrv1', `SCRV1:${Buffer.from('pw').toString('base64')}:${Buffer.from('123').toString('base64')}`], ['concat', 'pw123']] as const) {
    const { prompts, asked } = box();
    const signIn = new SignIn({ ...NO_AUTH, userPass: true, username: 'u', staticChallenge: { text: 'OTP?', echo: true, format } }, prompts);
    const pending = signIn.forAttempt(false);
    assert.deepEqual(asked[0]?.needs, { username: false, password: true, response: true });
    assert.equal(asked[0]?.echo, true);
    assert.equal(asked[0]?.username, 'u');
    assert.deepEqual(prompts.answer(asked[0]!.id, { response: new Secret('123') }), { ok: false, error: { code: 'auth.bad_answer', message: 'The answer needs: password.' } });
    assert.ok(prompts.answer(asked[0]!.id, { password: new Secret('pw'), response: new Secret('123') }).ok);
    const result = await pending;
    assert.equal(result.ok && result.credentials?.password.reveal(), expected);
  }
});

test('CRV1: the challenge is asked and its answer is used once, for the next attempt only', async () => {
  const { prompts, asked } = box();
  const signIn = new SignIn({ ...NO_AUTH, userPass: true, credentials: { username: 'u', password: new Secret('pw') } }, prompts);
  signIn.answerChallengeNext({ kind: 'crv1', flags: { echo: false, responseRequired: true }, stateId: 's1', username: 'bob', challenge: 'PIN?' });
  const next = signIn.forAttempt(false);
  assert.equal(asked[0]?.kind, 'dynamic_challenge');
  assert.equal(asked[0]?.echo, false);
  prompts.answer(asked[0]!.id, { response: new Secret('42') });
  const first = await next;
  assert.equal(first.ok && `${first.credentials?.username}/${first.credentials?.password.reveal()}`, 'bob/CRV1::s1::42');
  const second = await signIn.forAttempt(false);
  assert.equal(second.ok && second.credentials?.password.reveal(), 'pw');
});

test('CRV1 cancelled: the attempt does not start (auth.cancelled)', async () => {
  const { prompts, asked } = box();
  const signIn = new SignIn({ ...NO_AUTH, userPass: true, credentials: { username: 'u', password: new Secret('pw') } }, prompts);
  signIn.answerChallengeNext({ kind: 'crv1', flags: { echo: true, responseRequired: true }, stateId: 's1', username: 'bob', challenge: 'PIN?' });
  const next = signIn.forAttempt(false);
  assert.ok(prompts.cancel(asked[0]!.id).ok);
  assert.deepEqual(await next, { ok: false, end: { code: 'auth.cancelled', message: 'Sign-in was cancelled.', fatal: true } });
});

// Whether auth-retry stops, backs off or asks again is client/next-attempt.ts's decision (its table test).
test('auth-retry interact asks again, saying why; auth-nocache forgets the password', async () => {
  const refusal = { kind: 'plain', reason: 'bad' } as const;
  const credentials = { username: 'u', password: new Secret('pw') };
  const { prompts, asked } = box();
  const interact = new SignIn({ ...NO_AUTH, userPass: true, credentials, retry: 'interact' }, prompts);
  interact.askAgain(refusal);
  void interact.forAttempt(false);
  assert.match(asked[0]?.text ?? '', /refused the sign-in \(bad\)/);
  assert.deepEqual(asked[0]?.needs, { username: false, password: true, response: false });
  const noCache = new SignIn({ ...NO_AUTH, userPass: true, credentials, noCache: true }, prompts);
  noCache.onConnected();
  void noCache.forAttempt(false);
  assert.equal(asked.length, 2, 'the password is asked again after auth-nocache dropped it');
});

test('a cancelled prompt ends the sign-in; answering an unknown id is auth.no_prompt', async () => {
  const { prompts, asked, closed } = box();
  const signIn = new SignIn({ ...NO_AUTH, userPass: true }, prompts);
  const pending = signIn.forAttempt(false);
  assert.equal(prompts.answer('p99', {}).ok, false);
  assert.ok(prompts.cancel(asked[0]!.id).ok);
  assert.deepEqual(await pending, { ok: false, end: { code: 'auth.cancelled', message: 'Sign-in was cancelled.', fatal: true } });
  assert.deepEqual(closed, ['p1:cancelled']);
});

test('only http and https sign-in addresses are handed on', () => {
  assert.equal(isWebUrl('https://sso.example/x'), true);
  assert.equal(isWebUrl('http://10.0.0.1:8080/'), true);
  for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-settings:', 'not a url', '']) assert.equal(isWebUrl(bad), false, bad);
});

test('a refusal while a token was held signs in again with the cached password, without asking', async () => {
  const { prompts, asked } = box();
  const credentials = { username: 'u', password: new Secret('pw') };
  const signIn = new SignIn({ ...NO_AUTH, userPass: true, credentials }, prompts);
  const withToken = await signIn.forAttempt(true);
  assert.equal(withToken.ok && withToken.credentials?.username, 'u');
  const next = await signIn.forAttempt(false);
  assert.equal(next.ok && next.credentials?.password.reveal(), 'pw', 'the cached password, no prompt');
  assert.equal(asked.length, 0);
});

test('auth-retry interact after AUTH_FAILED,SESSION with no reason: the question says none was given', () => {
  const { prompts, asked } = box();
  const signIn = new SignIn({ ...NO_AUTH, userPass: true, retry: 'interact', credentials: { username: 'u', password: new Secret('pw') } }, prompts);
  signIn.askAgain({ kind: 'session', reason: '' });
  void signIn.forAttempt(false);
  assert.match(asked[0]?.text ?? '', /refused the sign-in \(no reason given\)/);
});

test('auth-nocache with a token: the token stands in, the forgotten password is asked only after the token is refused', async () => {
  const { prompts, asked } = box();
  const signIn = new SignIn({ ...NO_AUTH, userPass: true, noCache: true, credentials: { username: 'u', password: new Secret('pw') } }, prompts);
  signIn.onConnected();
  const withToken = await signIn.forAttempt(true);
  assert.equal(withToken.ok && withToken.credentials?.username, 'u');
  assert.equal(asked.length, 0);
  void signIn.forAttempt(false);
  assert.deepEqual(asked[0]?.needs, { username: false, password: true, response: false });
  assert.equal(asked[0]?.username, 'u', 'the known username is offered as a prefill');
});
