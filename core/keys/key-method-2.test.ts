import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Secret } from '../wire/secret';
import {
  encodeKeyMethod2Client, encodeKeyMethod2Server, parseKeyMethod2Client, parseKeyMethod2Server,
} from './key-method-2';

const preMaster = Buffer.alloc(48, 0xaa);
const random1 = Buffer.alloc(32, 0xbb);
const random2 = Buffer.alloc(32, 0xcc);

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) assert.fail(`unexpected error ${JSON.stringify(result.error)}`);
  return result.value;
}

test('client message, byte by byte (ovpn:ssl.c key_method_2_write)', () => {
  const bytes = unwrap(encodeKeyMethod2Client({
    preMaster, random1, random2, optionsString: 'V4', username: 'u', password: new Secret('pw'), peerInfo: 'IV_VER=2\n',
  }));
  const expected = Buffer.concat([
    Buffer.from('00000000' + '02', 'hex'),
    preMaster, random1, random2,
    Buffer.from('0003' + '5634' + '00', 'hex'), // "V4\0"
    Buffer.from('0002' + '75' + '00', 'hex'), // "u\0"
    Buffer.from('0003' + '7077' + '00', 'hex'), // "pw\0"
    Buffer.from('000a', 'hex'), Buffer.from('IV_VER=2\n\0', 'latin1'),
  ]);
  assert.equal(bytes.toString('hex'), expected.toString('hex'));
  assert.equal(bytes.length, 5 + 48 + 64 + 5 + 4 + 5 + 12);
});

test('no credentials and no peer-info: three empty strings 00 00', () => {
  const bytes = unwrap(encodeKeyMethod2Client({ preMaster, random1, random2, optionsString: 'V4', peerInfo: '' }));
  assert.equal(bytes.subarray(117).toString('hex'), '0003563400' + '0000' + '0000' + '0000');
});

test('a username with an empty password writes an empty string for it, as 2.x does', () => {
  const bytes = unwrap(encodeKeyMethod2Client({ preMaster, random1, random2, optionsString: 'V4', username: 'u', peerInfo: '' }));
  assert.equal(bytes.subarray(122).toString('hex'), '00027500' + '000100' + '0000');
});

test('too long fields are a Result error, not a throw', () => {
  const base = { preMaster, random1, random2, peerInfo: '' };
  const options = encodeKeyMethod2Client({ ...base, optionsString: 'x'.repeat(512) });
  assert.deepEqual(options, { ok: false, error: { code: 'keys.field_too_long', field: 'options', lengthBytes: 513, maxBytes: 512 } });
  assert.ok(encodeKeyMethod2Client({ ...base, optionsString: 'x'.repeat(511) }).ok);
  const password = encodeKeyMethod2Client({ ...base, optionsString: 'V4', username: 'u', password: new Secret('p'.repeat(128)) });
  assert.equal(!password.ok && password.error.code === 'keys.field_too_long' && password.error.field, 'password');
  assert.ok(encodeKeyMethod2Client({ ...base, optionsString: 'V4', username: 'u', password: new Secret('p'.repeat(200)), userPassMaxBytes: 4096 }).ok);
  const whole = encodeKeyMethod2Client({ ...base, optionsString: 'V4', peerInfo: 'X=' + 'y'.repeat(2000) });
  assert.equal(!whole.ok && whole.error.code === 'keys.field_too_long' && whole.error.field, 'message');
  const nul = encodeKeyMethod2Client({ ...base, optionsString: 'V4', username: 'a\0b' });
  assert.deepEqual(nul, { ok: false, error: { code: 'keys.nul_in_field', field: 'username' } });
});

test('client encode → parse round-trips every field (property)', () => {
  const text = fc.string({ maxLength: 100 }).filter((s) => !s.includes('\0'));
  fc.assert(fc.property(
    fc.uint8Array({ minLength: 48, maxLength: 48 }), text, fc.option(text), text, text,
    (pm, optionsString, username, password, peerInfo) => {
      const bytes = unwrap(encodeKeyMethod2Client({
        preMaster: Buffer.from(pm), random1, random2, optionsString, peerInfo,
        ...(username === null ? {} : { username, password: new Secret(password) }),
      }));
      const parsed = unwrap(parseKeyMethod2Client(bytes));
      assert.deepEqual(parsed.preMaster, Buffer.from(pm));
      assert.equal(parsed.optionsString, optionsString);
      // With credentials both strings are written even when empty (00 01 00), so they come back as ''.
      assert.equal(parsed.username, username ?? undefined);
      assert.equal(parsed.password?.reveal(), username === null ? undefined : password);
      assert.equal(parsed.peerInfo, peerInfo === '' ? undefined : peerInfo);
      assert.equal(parsed.rest.length, 0);
    },
  ));
});

const serverOptions = 'V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM,auth [null-digest],keysize 256,key-method 2,tls-server';

test('server encode → parse round-trips; a 2.x server ends with three 00 00', () => {
  const bytes = unwrap(encodeKeyMethod2Server({ random1, random2, optionsString: serverOptions }));
  assert.equal(bytes.subarray(-6).toString('hex'), '000000000000');
  const parsed = unwrap(parseKeyMethod2Server(bytes));
  assert.deepEqual(parsed, { random1, random2, optionsString: serverOptions, rest: Buffer.alloc(0) });
});

test('lenient server parse: trailing fields missing, and the bytes that follow are kept', () => {
  const full = unwrap(encodeKeyMethod2Server({ random1, random2, optionsString: serverOptions }));
  const pushReply = Buffer.from('PUSH_REPLY,ping 10,ping-restart 60\0', 'latin1');
  for (const trailing of [0, 2, 4, 6]) {
    const head = full.subarray(0, full.length - 6 + trailing);
    const alone = unwrap(parseKeyMethod2Server(head));
    assert.equal(alone.optionsString, serverOptions);
    assert.equal(alone.rest.length, 0, `trailing ${trailing}`);
    const followed = unwrap(parseKeyMethod2Server(Buffer.concat([head, pushReply])));
    assert.equal(followed.rest.toString('latin1'), pushReply.toString('latin1'), `trailing ${trailing}`);
  }
  const authFailed = Buffer.from('AUTH_FAILED\0', 'latin1');
  assert.deepEqual(unwrap(parseKeyMethod2Server(Buffer.concat([full, authFailed]))).rest, authFailed);
});

test('minimal server message: 71 bytes with an empty options string', () => {
  const bytes = Buffer.concat([Buffer.from('0000000002', 'hex'), random1, random2, Buffer.from('0000', 'hex')]);
  assert.equal(bytes.length, 71);
  assert.equal(unwrap(parseKeyMethod2Server(bytes)).optionsString, '');
});

test('malformed server messages are Result errors at every truncation, never throws', () => {
  const full = unwrap(encodeKeyMethod2Server({ random1, random2, optionsString: serverOptions }));
  const optionsEnd = full.length - 6;
  for (let length = 0; length < optionsEnd; length++) {
    const result = parseKeyMethod2Server(full.subarray(0, length));
    assert.equal(result.ok, false, `length ${length}`);
  }
  const badMethod = Buffer.from(full);
  badMethod[4] = 1;
  assert.deepEqual(parseKeyMethod2Server(badMethod), { ok: false, error: { code: 'keys.bad_key_method', keyMethod: 1 } });
  const longOptions = Buffer.from(full);
  longOptions.writeUInt16BE(513, 69);
  assert.equal(!parseKeyMethod2Server(longOptions).ok && 'rejected', 'rejected');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    parseKeyMethod2Server(Buffer.from(bytes));
    parseKeyMethod2Client(Buffer.from(bytes));
  }));
});
