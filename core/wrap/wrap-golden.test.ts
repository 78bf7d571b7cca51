import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseControlPacket } from '../packet/control-packet';
import { P_CONTROL_HARD_RESET_SERVER_V2 } from '../packet/constants';
import { fromHex } from '../wire/hex';
import type { ControlWrap } from './control-wrap';
import { parseEarlyNegotiationTlvs } from './early-negotiation';
import { parseStaticKeyFile, parseTlsCryptV2ClientKey } from './static-key';
import { TlsAuthWrap } from './tls-auth-wrap';
import { TlsCryptWrap } from './tls-crypt-wrap';
import { EARLY_NEGOTIATION_PACKET_ID, TlsCryptV2Wrap } from './tls-crypt-v2-wrap';
import type { Capture } from './fixtures/capture-golden';

/**
 * Hard resets exchanged with a real OpenVPN 2.6 server (fixtures/capture-golden.ts): the
 * server answered the client packets below, so it accepted our wrapping; here our
 * unwrap must accept the server's answers.
 */
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const { captures } = JSON.parse(readFileSync(join(fixtures, 'golden.json'), 'utf8')) as { captures: Capture[] };
const staticKey = unwrap(parseStaticKeyFile(readFileSync(join(fixtures, 'static.key'), 'utf8')));
const v2ClientKey = unwrap(parseTlsCryptV2ClientKey(readFileSync(join(fixtures, 'tls-crypt-v2-client.key'), 'utf8')));

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  return result.value;
}

function clientWrap(capture: Capture, direction = capture.direction): ControlWrap {
  const nowSeconds = (): number => capture.netTimeSeconds;
  switch (capture.wrap) {
    case 'tls-auth': return new TlsAuthWrap({ staticKey, direction, digest: capture.digest, nowSeconds });
    case 'tls-crypt': return new TlsCryptWrap({ staticKey, nowSeconds });
    case 'tls-crypt-v2': return new TlsCryptV2Wrap({ clientKey: v2ClientKey, nowSeconds });
    case 'none': throw new Error('no wrap captures here');
  }
}

test('the fixture has every wrap the server was asked about', () => {
  assert.deepEqual(captures.map((c) => c.wrap).sort(), ['tls-auth', 'tls-auth', 'tls-crypt', 'tls-crypt-v2']);
});

for (const capture of captures) {
  test(`${capture.name}: our wrap reproduces the bytes the server accepted`, () => {
    assert.equal(clientWrap(capture).wrap(fromHex(capture.clientPlain)).toString('hex'), capture.clientWire);
  });

  test(`${capture.name}: we unwrap the server's HARD_RESET_SERVER_V2, which ACKs our reset`, () => {
    const plain = unwrap(clientWrap(capture).unwrap(fromHex(capture.serverWire)));
    const packet = unwrap(parseControlPacket(plain));
    assert.equal(packet.opcode, P_CONTROL_HARD_RESET_SERVER_V2);
    assert.equal(packet.keyId, 0);
    assert.deepEqual(packet.acks, [0]);
    assert.equal(packet.remoteSessionId?.toString('hex'), capture.clientSessionId);
    assert.equal(packet.messageId, 0);
    const early = unwrap(parseEarlyNegotiationTlvs(packet.payload));
    // Only a tls-crypt-v2 client with the 0x0f replay id is asked to resend WKc (§2.5).
    assert.equal(early.resendWkc, capture.wrap === 'tls-crypt-v2');
  });

  test(`${capture.name}: the server's reply is a replay the second time`, () => {
    const wrap = clientWrap(capture);
    assert.ok(wrap.unwrap(fromHex(capture.serverWire)).ok);
    assert.deepEqual(wrap.unwrap(fromHex(capture.serverWire)), { ok: false, error: 'wrap.replay' });
  });

  test(`${capture.name}: flipping any byte of the server's reply is rejected`, () => {
    const wire = fromHex(capture.serverWire);
    for (let i = 0; i < wire.length; i++) {
      const tampered = Buffer.from(wire);
      tampered[i] = (tampered[i] as number) ^ 0x80;
      assert.equal(clientWrap(capture).unwrap(tampered).ok, false, `byte ${i}`);
    }
  });
}

test('tls-auth: the wrong key-direction cannot read the server (its HMAC key is the other slot)', () => {
  const capture = captures.find((c) => c.wrap === 'tls-auth' && c.direction === 1) as Capture;
  assert.deepEqual(clientWrap(capture, 0).unwrap(fromHex(capture.serverWire)), { ok: false, error: 'wrap.bad_hmac' });
});

test('tls-crypt: a server-role instance reads our packet; a client-role one does not (INVERSE slots)', () => {
  const capture = captures.find((c) => c.wrap === 'tls-crypt') as Capture;
  assert.ok(new TlsCryptWrap({ staticKey, role: 'server' }).unwrap(fromHex(capture.clientWire)).ok);
  assert.deepEqual(new TlsCryptWrap({ staticKey }).unwrap(fromHex(capture.clientWire)), { ok: false, error: 'wrap.bad_tag' });
});

test('tls-crypt-v2: the reset we sent started at replay id 0x0f000001 and ended with WKc', () => {
  const capture = captures.find((c) => c.wrap === 'tls-crypt-v2') as Capture;
  const wire = fromHex(capture.clientWire);
  assert.equal(wire.readUInt32BE(9), EARLY_NEGOTIATION_PACKET_ID + 1);
  assert.deepEqual(wire.subarray(wire.length - v2ClientKey.wkc.length), v2ClientKey.wkc);
});
