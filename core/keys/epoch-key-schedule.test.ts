import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BugError } from '../wire/errors';
import { EpochChain, epochDataKey, expandLabelInfo, hkdfExpandSha256, nextEpochSecret, ovpnExpandLabel } from './epoch-key-schedule';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const range = (from: number, to: number): Buffer => Buffer.from(Array.from({ length: to - from + 1 }, (_, i) => from + i));

// RFC 5869 appendix A, the Expand halves (the PRKs are the RFC's): the vectors OpenVPN's own unit tests use.
test('HKDF-Expand-SHA256 matches RFC 5869 A.1 (one block and a bit)', () => {
  const okm = hkdfExpandSha256(hex('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5'), range(0xf0, 0xf9), 42);
  assert.equal(okm.toString('hex'), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
});

test('HKDF-Expand-SHA256 matches RFC 5869 A.2 (three blocks, long info)', () => {
  const okm = hkdfExpandSha256(hex('06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244'), range(0xb0, 0xff), 82);
  assert.equal(okm.toString('hex'), 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c'
    + '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87');
});

test('HKDF-Expand-SHA256 matches RFC 5869 A.3 (empty info)', () => {
  const okm = hkdfExpandSha256(hex('19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04'), Buffer.alloc(0), 42);
  assert.equal(okm.toString('hex'), '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
});

const UNIT_TEST_SECRET = hex('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');

test('Expand-Label info is u16 length, "ovpn "-prefixed label and an empty context (upstream crypto_test_hkdf_expand_test_ovpn)', () => {
  const info = expandLabelInfo('unit test', Buffer.alloc(0), 27);
  assert.equal(info.toString('hex'), '001b0e6f76706e20756e6974207465737400');
  assert.equal(hkdfExpandSha256(UNIT_TEST_SECRET, info, 27).toString('hex'), '875a8eec18556380b8d933ed323c2df8e8eccf4972e683f06a83ac');
});

test('Expand-Label(secret, "unit test", "", 16) is upstream\'s vector', () => {
  assert.equal(ovpnExpandLabel(UNIT_TEST_SECRET, 'unit test', Buffer.alloc(0), 16).toString('hex'), '185eaa1c7f228ab8eb29773214d92046');
});

test('the labels of the schedule are the ones protocol-2.7.md §1.2 lists', () => {
  assert.equal(expandLabelInfo('datakey upd', Buffer.alloc(0), 32).toString('hex'), `002010${Buffer.from('ovpn datakey upd').toString('hex')}00`);
  assert.equal(expandLabelInfo('data_key', Buffer.alloc(0), 32).toString('hex'), `00200d${Buffer.from('ovpn data_key').toString('hex')}00`);
  assert.equal(expandLabelInfo('data_iv', Buffer.alloc(0), 12).toString('hex'), `000c0c${Buffer.from('ovpn data_iv').toString('hex')}00`);
});

test('epoch 17 with AES-192-GCM derives upstream\'s key and implicit IV (epoch_test_derive_data_key)', () => {
  const e17 = Buffer.alloc(32);
  e17[0] = 19;
  e17[1] = 12;
  const key = epochDataKey(17, e17, 24);
  assert.equal(key.epoch, 17);
  assert.equal(key.key.toString('hex'), 'ed8533db1c28ace418e9006ab29c17417d60ebe6cd90bf0a');
  assert.equal(key.iv.toString('hex'), '86890aabf032cb59f4cfa34e');
});

test('the worked example of protocol-2.7.md §1.6: K1, IV1 and E2 from E1 = 23‖00…', () => {
  const e1 = Buffer.alloc(32);
  e1[0] = 0x23;
  const chain = new EpochChain(e1);
  const k1 = chain.dataKey(32);
  assert.equal(k1.epoch, 1);
  assert.equal(k1.key.toString('hex'), '06e1cd48f09ff6fa3522fa6344c5db58b7d0e1f0f794b338ff5909ff80f4686a');
  assert.equal(k1.iv.toString('hex'), '2a5303eba04a4a759362f1b1');
  assert.equal(nextEpochSecret(e1).toString('hex'), '341b55084ca8acda850505cb663a074154176689146425e70374ce44659e5bf4');
  chain.advance();
  assert.equal(chain.epoch, 2);
  assert.deepEqual(chain.dataKey(32), epochDataKey(2, nextEpochSecret(e1), 32));
});

test('the chain copies E1; a short secret is our bug', () => {
  const e1 = Buffer.alloc(64, 5);
  const chain = new EpochChain(e1);
  const before = chain.dataKey(16);
  e1.fill(0);
  assert.deepEqual(chain.dataKey(16), before);
  assert.throws(() => new EpochChain(Buffer.alloc(16)), BugError);
  assert.throws(() => ovpnExpandLabel(Buffer.alloc(31), 'x', Buffer.alloc(0), 1), BugError);
});
