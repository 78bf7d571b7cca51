import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Secret } from '../wire/secret';
import { classifyControlMessage } from './classify-control-message';
import type { ControlMessage } from './classify-control-message';
import { ControlMessageSplitter, splitControlMessages } from './control-text';
import { encodeCrResponse, encodeExit, encodePushRequest } from './encode-control-message';
import { PushAccumulator, parsePushReply } from './push-reply';
import { tokenizeOptionLine } from './option-tokenizer';

test('split: several NUL-terminated messages per record; CR/LF chomped; control characters dropped', () => {
  const bytes = Buffer.from('PUSH_REPLY,ping 10\r\n\0\0INFO,hi\0BAD\x01MSG\0RESTART\0AUTH_PEN', 'latin1');
  const result = splitControlMessages(bytes);
  assert.deepEqual(result.messages, ['PUSH_REPLY,ping 10', 'INFO,hi', 'RESTART']);
  assert.deepEqual(result.drops, ['control.invalid_characters']);
  assert.equal(result.rest.toString('latin1'), 'AUTH_PEN');
  assert.deepEqual(splitControlMessages(Buffer.from('A\nB\0', 'latin1')).drops, ['control.invalid_characters']);
  assert.deepEqual(splitControlMessages(Buffer.from('INFO,grüße\0', 'utf8')).messages, ['INFO,grüße']);
});

test('splitter: a message split across chunks at every offset comes out whole', () => {
  const stream = Buffer.from('AUTH_PENDING,timeout 300\0INFO_PRE,WEB_AUTH::https://sso.example/x\0PUSH_REPLY\0', 'latin1');
  for (let cut = 0; cut <= stream.length; cut++) {
    const splitter = new ControlMessageSplitter();
    const first = splitter.push(stream.subarray(0, cut));
    const second = splitter.push(stream.subarray(cut));
    assert.deepEqual([...first.messages, ...second.messages],
      ['AUTH_PENDING,timeout 300', 'INFO_PRE,WEB_AUTH::https://sso.example/x', 'PUSH_REPLY'], `cut ${cut}`);
    assert.equal(splitter.pendingBytes, 0);
  }
});

test('splitter: an endless message is dropped once, and the next one still arrives', () => {
  const splitter = new ControlMessageSplitter();
  const drops = [];
  for (let i = 0; i < 5; i++) drops.push(...splitter.push(Buffer.alloc(2000, 0x41)).drops);
  assert.deepEqual(drops, ['control.message_too_long']);
  assert.deepEqual(splitter.push(Buffer.from('AAAA\0EXIT\0', 'latin1')).messages, ['EXIT']);
});

test('splitting never throws on arbitrary bytes (property)', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 5 }), (chunks) => {
    const splitter = new ControlMessageSplitter();
    for (const chunk of chunks) {
      for (const message of splitter.push(Buffer.from(chunk)).messages) classifyControlMessage(message);
    }
  }));
});

const cases: Array<[string, ControlMessage]> = [
  ['PUSH_REPLY,ping 10', { kind: 'push_reply', text: 'PUSH_REPLY,ping 10' }],
  ['PUSH_REPLY', { kind: 'push_reply', text: 'PUSH_REPLY' }],
  ['PUSH_UPDATE,route 10.0.0.0', { kind: 'unknown', text: 'PUSH_UPDATE,route 10.0.0.0' }],
  ['AUTH_FAILED', { kind: 'auth_failed', failure: { kind: 'plain' } }],
  ['AUTH_FAILED,Invalid password', { kind: 'auth_failed', failure: { kind: 'plain', reason: 'Invalid password' } }],
  ['AUTH_FAILED,SESSION: token expired', { kind: 'auth_failed', failure: { kind: 'session', reason: 'token expired' } }],
  ['AUTH_FAILED,TEMP[backoff 30,advance remote]:server busy',
    { kind: 'auth_failed', failure: { kind: 'temp', backoffSeconds: 30, advance: 'remote', message: 'server busy' } }],
  ['AUTH_FAILED,TEMP:try later', { kind: 'auth_failed', failure: { kind: 'temp', message: 'try later' } }],
  ['AUTH_FAILED,TEMP', { kind: 'auth_failed', failure: { kind: 'temp', message: '' } }],
  ['AUTH_FAILED,CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token PIN: now',
    { kind: 'auth_failed', failure: {
      kind: 'crv1', flags: { responseRequired: true, echo: true }, stateId: 'Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l',
      username: 'cr1', challenge: 'Please enter token PIN: now',
    } }],
  ['AUTH_FAILED,CRV1:broken', { kind: 'auth_failed', failure: { kind: 'plain', reason: 'CRV1:broken' } }],
  ['AUTH_PENDING', { kind: 'auth_pending' }],
  ['AUTH_PENDING,timeout 300', { kind: 'auth_pending', timeoutSeconds: 300 }],
  ['INFO_PRE,OPEN_URL:https://sso.example/a?b=c', { kind: 'info_pre', info: { kind: 'open_url', url: 'https://sso.example/a?b=c' } }],
  ['INFO_PRE,WEB_AUTH:external,hidden:https://sso.example/login',
    { kind: 'info_pre', info: { kind: 'web_auth', flags: ['external', 'hidden'], url: 'https://sso.example/login' } }],
  ['INFO_PRE,WEB_AUTH::https://sso.example/login', { kind: 'info_pre', info: { kind: 'web_auth', flags: [], url: 'https://sso.example/login' } }],
  ['INFO_PRE,CR_TEXT:E,R:Enter your OTP', { kind: 'info_pre', info: { kind: 'cr_text', echo: true, responseRequired: true, text: 'Enter your OTP' } }],
  ['INFO_PRE,CR_TEXT::Just press enter: ok', { kind: 'info_pre', info: { kind: 'cr_text', echo: false, responseRequired: false, text: 'Just press enter: ok' } }],
  ['INFO_PRE,SOMETHING_NEW', { kind: 'info_pre', info: { kind: 'other', text: 'SOMETHING_NEW' } }],
  ['INFO,Welcome', { kind: 'info', text: 'Welcome' }],
  ['INFO', { kind: 'info', text: '' }],
  ['RESTART', { kind: 'restart', flags: { preserveCredentials: false, advanceRemote: false }, message: '' }],
  ['RESTART,[N]', { kind: 'restart', flags: { preserveCredentials: false, advanceRemote: true }, message: '' }],
  ['RESTART,[PN]server going down', { kind: 'restart', flags: { preserveCredentials: true, advanceRemote: true }, message: 'server going down' }],
  ['HALT,bye', { kind: 'halt', flags: { preserveCredentials: false, advanceRemote: false }, message: 'bye' }],
  ['EXIT', { kind: 'exit' }],
  ['CR_RESPONSE,abc', { kind: 'unknown', text: 'CR_RESPONSE,abc' }],
  ['WHATEVER', { kind: 'unknown', text: 'WHATEVER' }],
];

for (const [text, want] of cases) {
  test(`classify ${JSON.stringify(text)}`, () => assert.deepEqual(classifyControlMessage(text), want));
}

test('classify WEB_AUTH with a proxy, IPv6 in brackets, credentials as a Secret', () => {
  const message = classifyControlMessage('INFO_PRE,WEB_AUTH:proxy=[2001:db8::1];8080;dXNlcg==;cGFzcw==,external:https://sso.example/');
  assert.equal(message.kind, 'info_pre');
  if (message.kind !== 'info_pre' || message.info.kind !== 'web_auth') return assert.fail('not web_auth');
  assert.deepEqual(message.info.flags, ['proxy', 'external']);
  assert.equal(message.info.url, 'https://sso.example/');
  assert.equal(message.info.proxy?.host, '2001:db8::1');
  assert.equal(message.info.proxy?.port, 8080);
  assert.equal(message.info.proxy?.username, 'user');
  assert.equal(message.info.proxy?.password?.reveal(), 'pass');
});

test('classify the AUTH_FAILED logged in the lab (fixtures)', () => {
  assert.deepEqual(classifyControlMessage('AUTH_FAILED'), { kind: 'auth_failed', failure: { kind: 'plain' } });
});

test('encoders: NUL-terminated, CR_RESPONSE base64', () => {
  assert.equal(encodePushRequest().toString('latin1'), 'PUSH_REQUEST\0');
  assert.equal(encodeExit().toString('latin1'), 'EXIT\0');
  assert.equal(encodeCrResponse(new Secret('8675309')).toString('latin1'), 'CR_RESPONSE,ODY3NTMwOQ==\0');
});

test('parsePushReply: items, empty reply, continuation, garbage', () => {
  assert.deepEqual(parsePushReply('PUSH_REPLY'), { ok: true, value: { options: [], continuation: 0 } });
  assert.deepEqual(parsePushReply('PUSH_REPLY,ping 10,, route 10.0.0.0,push-continuation 2'),
    { ok: true, value: { options: ['ping 10', 'route 10.0.0.0'], continuation: 2 } });
  assert.deepEqual(parsePushReply('PUSH_REPLYX'), { ok: false, error: { code: 'control.not_a_push_reply' } });
});

test('PushAccumulator: completes on continuation 1 or none; caps runaway pushes', () => {
  const accumulator = new PushAccumulator();
  assert.deepEqual(accumulator.push('PUSH_REPLY,a,push-continuation 2'), { ok: true, value: { done: false } });
  assert.equal(accumulator.pending, true);
  assert.deepEqual(accumulator.push('PUSH_REPLY,b,push-continuation 1'), { ok: true, value: { done: true, options: ['a', 'b'] } });
  assert.equal(accumulator.pending, false);
  assert.deepEqual(accumulator.push('PUSH_REPLY,auth-token X'), { ok: true, value: { done: true, options: ['auth-token X'] } });
  const big = `PUSH_REPLY,${'route 10.0.0.0 255.0.0.0,'.repeat(40)}push-continuation 2`;
  let last;
  for (let i = 0; i < 400 && !(last && !last.ok); i++) last = accumulator.push(big);
  assert.equal(last && !last.ok && last.error.code, 'control.push_too_large');
  assert.equal(accumulator.pending, false);
});

test('tokenizeOptionLine follows parse_line', () => {
  assert.deepEqual(tokenizeOptionLine('  route   10.0.0.0\t255.0.0.0 '), { ok: true, value: ['route', '10.0.0.0', '255.0.0.0'] });
  assert.deepEqual(tokenizeOptionLine('a "b \\" c" \'d \\ e\' f\\ g ""'), { ok: true, value: ['a', 'b " c', 'd \\ e', 'f g', ''] });
  assert.deepEqual(tokenizeOptionLine('x # comment'), { ok: true, value: ['x'] });
  assert.deepEqual(tokenizeOptionLine('x a#b'), { ok: true, value: ['x', 'a#b'] });
  assert.deepEqual(tokenizeOptionLine('a\\b'), { ok: false, error: 'control.option_bad_backslash' });
  assert.deepEqual(tokenizeOptionLine('a "b'), { ok: false, error: 'control.option_unclosed_quote' });
  assert.deepEqual(tokenizeOptionLine(`a ${'x'.repeat(257)}`), { ok: false, error: 'control.option_parameter_too_long' });
  assert.deepEqual(tokenizeOptionLine(''), { ok: true, value: [] });
});
