import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { STATIC_KEY_LABEL, parseStaticKeyFile, parseTlsCryptV2ClientKey } from './static-key';
import { parseEarlyNegotiationTlvs } from './early-negotiation';
import { fromHex } from '../wire/hex';

const key2 = randomBytes(256);

function staticKeyFile(hex: string): string {
  return `#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN ${STATIC_KEY_LABEL}-----\n${hex}\n-----END ${STATIC_KEY_LABEL}-----\n`;
}

test('static key files parse with comments before the block and white space inside', () => {
  const hex = key2.toString('hex').match(/.{32}/g)?.join('\r\n  ') ?? '';
  const parsed = parseStaticKeyFile(staticKeyFile(hex));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value, key2);
});

test('bad static keys are errors, never throws', () => {
  const hex = key2.toString('hex');
  for (const text of ['', 'nothing', staticKeyFile(`zz${hex.slice(2)}`), staticKeyFile(hex.slice(2)), staticKeyFile(`${hex}00`),
    staticKeyFile(`# comment\n${hex}`), `-----BEGIN ${STATIC_KEY_LABEL}-----\n` + hex]) {
    const parsed = parseStaticKeyFile(text);
    assert.equal(parsed.ok, false);
    assert.equal(parsed.ok ? '' : parsed.error.code, 'wrap.bad_static_key');
  }
});

function wrappedKey(length: number): Buffer {
  const wkc = randomBytes(length);
  wkc.writeUInt16BE(length, length - 2);
  return wkc;
}

function v2File(bytes: Buffer): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN OpenVPN tls-crypt-v2 client key-----\n${lines}\n-----END OpenVPN tls-crypt-v2 client key-----\n`;
}

test('tls-crypt-v2 client keys split into Kc and WKc', () => {
  const wkc = wrappedKey(330);
  const parsed = parseTlsCryptV2ClientKey(v2File(Buffer.concat([key2, wkc])));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.key2, key2);
  assert.deepEqual(parsed.value.wkc, wkc);
});

test('damaged tls-crypt-v2 client keys are errors', () => {
  const good = Buffer.concat([key2, wrappedKey(330)]);
  const badLength = Buffer.from(good);
  badLength.writeUInt16BE(329, badLength.length - 2);
  for (const text of ['', v2File(good).replace('A', '*'), v2File(good.subarray(0, 400)), v2File(badLength),
    v2File(Buffer.concat([key2, wrappedKey(1030)]))]) {
    assert.equal(parseTlsCryptV2ClientKey(text).ok, false);
  }
});

test('early negotiation TLVs: RESEND_WKC, unknown types skipped, malformed ones refused', () => {
  const flags = parseEarlyNegotiationTlvs(fromHex('0001 0002 0001'));
  assert.ok(flags.ok && flags.value.resendWkc);
  const skipped = parseEarlyNegotiationTlvs(fromHex('0009 0003 aabbcc 0001 0002 0003'));
  assert.ok(skipped.ok && skipped.value.resendWkc);
  const other = parseEarlyNegotiationTlvs(fromHex('0001 0002 0002'));
  assert.ok(other.ok && !other.value.resendWkc);
  const none = parseEarlyNegotiationTlvs(Buffer.alloc(0));
  assert.ok(none.ok && !none.value.resendWkc);
  for (const bad of ['0001 0004 00', '0001 0001 01', '00', '0001 00']) assert.equal(parseEarlyNegotiationTlvs(fromHex(bad)).ok, false, bad);
});
