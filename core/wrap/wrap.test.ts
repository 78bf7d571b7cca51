import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { TlsAuthWrap } from './tls-auth-wrap';
import { TlsCryptWrap } from './tls-crypt-wrap';
import { EARLY_NEGOTIATION_PACKET_ID, TlsCryptV2Wrap } from './tls-crypt-v2-wrap';
import { dynamicTlsCryptWrap } from './dynamic-tls-crypt';
import { noWrap, type ControlWrap } from './control-wrap';
import { BugError } from '../wire/errors';
import { fromHex } from '../wire/hex';

const key2 = randomBytes(256);
const wkc = randomBytes(300);
const clock = (): number => 1_700_000_000;
/** op P_CONTROL_V1 kid 0 | sid | no ACKs | msg id 1 | payload */
const plain = fromHex('20 0102030405060708 00 00000001 deadbeef');
const resetV3 = fromHex('50 0102030405060708 00 00000000');
const wkcV1 = fromHex('58 0102030405060708 00 00000001');

interface Pair { name: string; client: () => ControlWrap; server: () => ControlWrap }
const pairs: Pair[] = [
  { name: 'tls-auth SHA1 (client 1, server 0)', client: () => new TlsAuthWrap({ staticKey: key2, direction: 1, nowSeconds: clock }), server: () => new TlsAuthWrap({ staticKey: key2, direction: 0 }) },
  { name: 'tls-auth SHA256', client: () => new TlsAuthWrap({ staticKey: key2, direction: 1, digest: 'sha256' }), server: () => new TlsAuthWrap({ staticKey: key2, direction: 0, digest: 'SHA256' }) },
  { name: 'tls-auth SHA512 bidirectional', client: () => new TlsAuthWrap({ staticKey: key2, digest: 'SHA512' }), server: () => new TlsAuthWrap({ staticKey: key2, digest: 'SHA512' }) },
  { name: 'tls-crypt', client: () => new TlsCryptWrap({ staticKey: key2, nowSeconds: clock }), server: () => new TlsCryptWrap({ staticKey: key2, role: 'server' }) },
  { name: 'tls-crypt-v2', client: () => new TlsCryptV2Wrap({ clientKey: { key2, wkc } }), server: () => new TlsCryptWrap({ staticKey: key2, role: 'server' }) },
  { name: 'dynamic tls-crypt', client: () => dynamicTlsCryptWrap(Buffer.alloc(256, 7), key2), server: () => new TlsCryptWrap({ staticKey: xor(Buffer.alloc(256, 7), key2), role: 'server' }) },
];

for (const { name, client: makeClient, server: makeServer } of pairs) {
  test(`${name}: the peer unwraps what we wrap, in both directions`, () => {
    const [client, server] = [makeClient(), makeServer()];
    for (const [from, to] of [[client, server], [server, client]] as const) {
      const wire = from.wrap(plain);
      assert.equal(wire.length, plain.length + from.overheadBytes);
      const unwrapped = to.unwrap(wire);
      assert.ok(unwrapped.ok, String(!unwrapped.ok && unwrapped.error));
      assert.deepEqual(unwrapped.value, plain);
    }
  });

  test(`${name}: flipping any bit of any byte is rejected`, () => {
    const client = makeClient();
    const wire = client.wrap(plain);
    fc.assert(fc.property(fc.integer({ min: 0, max: wire.length - 1 }), fc.integer({ min: 0, max: 7 }), (index, bit) => {
      const tampered = Buffer.from(wire);
      tampered[index] = (tampered[index] as number) ^ (1 << bit);
      const result = makeServer().unwrap(tampered);
      assert.equal(result.ok, false, `byte ${index} bit ${bit}`);
      assert.match(result.ok ? '' : result.error, /^wrap\.bad_(hmac|tag)$/);
    }), { numRuns: 200 });
  });

  test(`${name}: every truncation is rejected without a throw`, () => {
    const wire = makeClient().wrap(plain);
    for (let length = 0; length < wire.length; length++) assert.equal(makeServer().unwrap(wire.subarray(0, length)).ok, false);
  });

  test(`${name}: a replay is rejected; a retransmit gets a new id and is accepted`, () => {
    const [client, server] = [makeClient(), makeServer()];
    const first = client.wrap(plain);
    const retransmit = client.wrap(plain);
    assert.notDeepEqual(first, retransmit);
    assert.ok(server.unwrap(retransmit).ok);
    assert.ok(server.unwrap(first).ok, 'an older id inside the window is still fresh');
    assert.deepEqual(server.unwrap(first), { ok: false, error: 'wrap.replay' });
    assert.deepEqual(server.unwrap(retransmit), { ok: false, error: 'wrap.replay' });
  });
}

test('tls-auth: the HMAC sits behind op|sid, followed by replay id 1, 2, … and a fixed net_time', () => {
  const client = new TlsAuthWrap({ staticKey: key2, direction: 1, nowSeconds: clock });
  const ids = [client.wrap(plain), client.wrap(plain), client.wrap(plain)].map((w) => [w.readUInt32BE(9 + 20), w.readUInt32BE(9 + 24)]);
  assert.deepEqual(ids, [[1, 1_700_000_000], [2, 1_700_000_000], [3, 1_700_000_000]]);
  const wire = client.wrap(plain);
  assert.deepEqual(wire.subarray(0, 9), plain.subarray(0, 9));
  assert.deepEqual(wire.subarray(9 + 28), plain.subarray(9));
});

test('tls-auth with the wrong key-direction fails with bad_hmac', () => {
  const wire = new TlsAuthWrap({ staticKey: key2, direction: 1 }).wrap(plain);
  assert.deepEqual(new TlsAuthWrap({ staticKey: key2, direction: 1 }).unwrap(wire), { ok: false, error: 'wrap.bad_hmac' });
});

test('tls-auth: the deprecated positional constructor still works', () => {
  const wire = new TlsAuthWrap(key2, 1, 'SHA256').wrap(plain);
  assert.ok(new TlsAuthWrap({ staticKey: key2, direction: 0, digest: 'SHA256' }).unwrap(wire).ok);
  assert.ok(new TlsCryptWrap({ staticKey: key2, role: 'server' }).unwrap(new TlsCryptWrap(key2).wrap(plain)).ok);
  assert.ok(new TlsCryptWrap({ staticKey: key2, role: 'server' }).unwrap(new TlsCryptV2Wrap({ key2, wkc }).wrap(plain)).ok);
});

test('unknown digests and wrong key sizes are our bug', () => {
  assert.throws(() => new TlsAuthWrap({ staticKey: key2, digest: 'NOPE' }), BugError);
  assert.throws(() => new TlsAuthWrap({ staticKey: key2, digest: 'SHAKE256' }), BugError);
  assert.throws(() => new TlsCryptWrap({ staticKey: key2.subarray(1) }), BugError);
  assert.throws(() => dynamicTlsCryptWrap(Buffer.alloc(255)), BugError);
});

test('tls-crypt: replay id at 9, net_time at 13, tag at 17, ciphertext at 49', () => {
  const wire = new TlsCryptWrap({ staticKey: key2, nowSeconds: clock }).wrap(plain);
  assert.equal(wire.readUInt32BE(9), 1);
  assert.equal(wire.readUInt32BE(13), 1_700_000_000);
  assert.equal(wire.length, 49 + plain.length - 9);
  assert.notDeepEqual(wire.subarray(49), plain.subarray(9), 'the body is encrypted');
});

test('tls-crypt-v2: first replay id 0x0f000001; WKc appended to HARD_RESET_CLIENT_V3 and WKC_V1 only', () => {
  const client = new TlsCryptV2Wrap({ clientKey: { key2, wkc }, nowSeconds: clock });
  const reset = client.wrap(resetV3);
  assert.equal(reset.readUInt32BE(9), EARLY_NEGOTIATION_PACKET_ID + 1);
  assert.deepEqual(reset.subarray(reset.length - wkc.length), wkc);
  assert.equal(reset.length, 49 + resetV3.length - 9 + wkc.length);
  const retransmit = client.wrap(resetV3);
  assert.equal(retransmit.readUInt32BE(9), EARLY_NEGOTIATION_PACKET_ID + 2);
  assert.deepEqual(retransmit.subarray(retransmit.length - wkc.length), wkc);
  const withWkc = client.wrap(wkcV1);
  assert.deepEqual(withWkc.subarray(withWkc.length - wkc.length), wkc);
  assert.equal(client.wrap(plain).length, 49 + plain.length - 9);
  assert.equal(client.wkcBytes, wkc.length);
});

test('dynamic tls-crypt: without an original key the EKM is the key2', () => {
  const ekm = randomBytes(256);
  const wire = dynamicTlsCryptWrap(ekm).wrap(plain);
  assert.ok(new TlsCryptWrap({ staticKey: ekm, role: 'server' }).unwrap(wire).ok);
  assert.equal(new TlsCryptWrap({ staticKey: xor(ekm, key2), role: 'server' }).unwrap(wire).ok, false);
});

test('no wrap: identity', () => {
  assert.equal(noWrap.wrap(plain), plain);
  assert.deepEqual(noWrap.unwrap(plain), { ok: true, value: plain });
});

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ (b[i] as number)));
}
