import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TlsAuthWrap } from './tls-auth-wrap';
import { TlsCryptWrap } from './tls-crypt-wrap';
import { TlsCryptV2Wrap } from './tls-crypt-v2-wrap';
import { parseStaticKeyFile, parseTlsCryptV2ClientKey } from './static-key';
import { parseEarlyNegotiationTlvs } from './early-negotiation';
import { LongPacketIdWindow } from './long-packet-id';
import type { ControlWrap } from './control-wrap';
import { fromHex } from '../wire/hex';

const key2 = randomBytes(256);
/** The server's view of the same key: K0 and K1 swapped, so it sends with K0 and receives with K1. */
const serverKey2 = Buffer.concat([key2.subarray(128), key2.subarray(0, 128)]);
const plain = fromHex('20' + '0102030405060708' + '00' + '00000001' + 'deadbeef');

const pairs: Array<[string, ControlWrap, ControlWrap]> = [
  ['tls-auth SHA1', new TlsAuthWrap(key2, 1), new TlsAuthWrap(key2, 0)],
  ['tls-auth SHA256', new TlsAuthWrap(key2, 1, 'SHA256'), new TlsAuthWrap(key2, 0, 'SHA256')],
  ['tls-auth SHA512 bidirectional', new TlsAuthWrap(key2, undefined, 'SHA512'), new TlsAuthWrap(key2, undefined, 'SHA512')],
  ['tls-crypt', new TlsCryptWrap(key2), new TlsCryptWrap(serverKey2)],
];

for (const [name, client, server] of pairs) {
  test(`${name}: the peer unwraps what we wrap, in both directions`, () => {
    for (const [from, to] of [[client, server], [server, client]] as const) {
      const unwrapped = to.unwrap(from.wrap(plain));
      assert.ok(unwrapped.ok, String(!unwrapped.ok && unwrapped.error));
      assert.deepEqual(unwrapped.value, plain);
    }
  });

  test(`${name}: flipping any byte is rejected`, () => {
    const wire = client.wrap(plain);
    for (let i = 0; i < wire.length; i++) {
      const tampered = Buffer.from(wire);
      tampered[i] = (tampered[i] as number) ^ 0x01;
      // Byte 0 (op) and the session id are covered by the HMAC/tag as well.
      assert.equal(server.unwrap(tampered).ok, false, `byte ${i}`);
    }
  });

  test(`${name}: a replay is rejected, a retransmit gets a new id`, () => {
    const first = client.wrap(plain);
    const retransmit = client.wrap(plain);
    assert.notDeepEqual(first, retransmit);
    assert.ok(server.unwrap(retransmit).ok);
    assert.ok(server.unwrap(first).ok, 'older id inside the window is still fresh');
    const replayed = server.unwrap(first);
    assert.equal(replayed.ok ? 'ok' : replayed.error, 'wrap.replay');
  });

  test(`${name}: truncations are drops, never throws`, () => {
    const wire = client.wrap(plain);
    for (let length = 0; length < wire.length; length++) assert.equal(server.unwrap(wire.subarray(0, length)).ok, false);
  });
}

test('tls-crypt-v2: first replay id is 0x0f000001 and WKc rides on V3 and WKC_V1 only', () => {
  const wkc = randomBytes(290);
  const client = new TlsCryptV2Wrap({ key2, wkc });
  const reset = fromHex('50' + '0102030405060708' + '00' + '00000000');
  const wire = client.wrap(reset);
  assert.equal(wire.readUInt32BE(9), 0x0f000001);
  assert.deepEqual(wire.subarray(wire.length - wkc.length), wkc);
  const control = client.wrap(plain);
  assert.equal(control.length, plain.length + 8 + 32);
  const server = new TlsCryptWrap(serverKey2);
  assert.ok(server.unwrap(control).ok);
});

test('the replay window compares time first, then a 64-id window', () => {
  const window = new LongPacketIdWindow();
  assert.equal(window.isFresh(0, 100), false, 'id 0 is never valid');
  window.commit(5, 100);
  assert.equal(window.isFresh(5, 100), false);
  assert.equal(window.isFresh(4, 100), true);
  assert.equal(window.isFresh(1, 99), false, 'older time');
  assert.equal(window.isFresh(1, 101), true, 'newer time starts a fresh window');
  window.commit(200, 100);
  assert.equal(window.isFresh(136, 100), false, 'more than 64 behind');
  assert.equal(window.isFresh(137, 100), true);
});

test('static key files parse with comments and white space; bad ones are errors', () => {
  const hex = key2.toString('hex').match(/.{32}/g)?.join('\n') ?? '';
  const file = `#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n${hex}\n-----END OpenVPN Static key V1-----\n`;
  const parsed = parseStaticKeyFile(file);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value, key2);
  assert.equal(parseStaticKeyFile(file.replace(hex.slice(0, 2), 'zz')).ok, false);
  assert.equal(parseStaticKeyFile('nothing').ok, false);
});

test('tls-crypt-v2 client keys split into Kc and WKc', () => {
  const wkc = randomBytes(290);
  const text = `-----BEGIN OpenVPN tls-crypt-v2 client key-----\n${Buffer.concat([key2, wkc]).toString('base64')}\n-----END OpenVPN tls-crypt-v2 client key-----\n`;
  const parsed = parseTlsCryptV2ClientKey(text);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.key2, key2);
  assert.deepEqual(parsed.value.wkc, wkc);
});

test('early negotiation TLVs: RESEND_WKC', () => {
  const flags = parseEarlyNegotiationTlvs(fromHex('0001 0002 0001'));
  assert.ok(flags.ok && flags.value.resendWkc);
  const none = parseEarlyNegotiationTlvs(Buffer.alloc(0));
  assert.ok(none.ok && !none.value.resendWkc);
  assert.equal(parseEarlyNegotiationTlvs(fromHex('0001 0004 00')).ok, false);
});
