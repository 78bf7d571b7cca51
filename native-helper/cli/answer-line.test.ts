import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAnswerLine } from './answer-line';
import { promptLine } from './prompt-line';

test('an answer line becomes auth.answer params; {"id","cancel":true} cancels', () => {
  assert.deepEqual(parseAnswerLine('{"id":"p1","username":"alice","password":"pw"}'), { ok: true, value: { kind: 'answer', params: { promptId: 'p1', username: 'alice', password: 'pw' } } });
  assert.deepEqual(parseAnswerLine('{"id":"p2","cancel":true}'), { ok: true, value: { kind: 'cancel', promptId: 'p2' } });
});

test('a bad answer line names the field, never the value it holds', () => {
  const secret = 'hunter2-otp';
  for (const line of [`{"id":"p1","password":"${secret}","pin":"${secret}"}`, `{"password":"${secret}"}`, `{"id":"p1","response":7}`, `not json ${secret}`]) {
    const parsed = parseAnswerLine(line);
    assert.equal(parsed.ok, false, line);
    assert.equal(!parsed.ok && parsed.error.includes(secret), false);
  }
  const unknown = parseAnswerLine('{"id":"p1","pin":"1"}');
  assert.match(!unknown.ok ? unknown.error : '', /unknown field pin/);
});

test('the prompt line is flat: the stable --json shape scripts read', () => {
  const line = promptLine({ type: 'prompt', sessionId: 's1', prompt: { id: 'p1', kind: 'web_auth', text: 'Sign in', echo: true, url: 'https://sso.example/', timeoutSeconds: 60, needs: { username: false, password: false, response: false } } });
  assert.deepEqual(line, { type: 'prompt', sessionId: 's1', id: 'p1', kind: 'web_auth', text: 'Sign in', echo: true, url: 'https://sso.example/', timeoutSeconds: 60, needs: { username: false, password: false, response: false } });
});
