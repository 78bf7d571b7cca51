import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOptionsString, deviceTypeInOptions } from './options-string';
import { DEFAULT_IV_PROTO, IV_PROTO, buildPeerInfo } from './peer-info';

test('the default 2.6 client string, as logged by openvpn 2.6.14 at verb 7 (dev tun instead of null)', () => {
  // Captured: 'V4,dev-type null,link-mtu 1541,tun-mtu 1500,proto UDPv4,auth SHA1,keysize 128,key-method 2,tls-client'
  assert.equal(buildOptionsString({ transport: 'udp' }),
    'V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,auth SHA1,keysize 128,key-method 2,tls-client');
});

test('comp-lzo item and one more byte of link-mtu for v1 framings; none for v2 ones', () => {
  assert.equal(buildOptionsString({ transport: 'udp', compression: 'lzo' }),
    'V4,dev-type tun,link-mtu 1542,tun-mtu 1500,proto UDPv4,comp-lzo,auth SHA1,keysize 128,key-method 2,tls-client');
  assert.match(buildOptionsString({ transport: 'udp', compression: 'stub-v2' }), /link-mtu 1541,.*,comp-lzo,/);
});

// Expected strings below were checked against `openvpn --client --verb 7` (2.6.14) with the same options.
test('keydir, cipher, tls-auth and TCP items in 2.x order', () => {
  assert.equal(buildOptionsString({ transport: 'tcp', keyDirection: 1, tlsAuth: true, cipher: 'AES-256-CBC', auth: 'SHA256' }),
    'V4,dev-type tun,link-mtu 1571,tun-mtu 1500,proto TCPv4_CLIENT,keydir 1,cipher AES-256-CBC,auth SHA256,keysize 256,tls-auth,key-method 2,tls-client');
});

test('AEAD ciphers show [null-digest] and their key size', () => {
  assert.equal(buildOptionsString({ transport: 'udp', cipher: 'AES-256-GCM' }),
    'V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM,auth [null-digest],keysize 256,key-method 2,tls-client');
  assert.match(buildOptionsString({ transport: 'udp', cipher: 'CHACHA20-POLY1305' }),
    /link-mtu 1534,tun-mtu 1500,proto UDPv4,cipher CHACHA20-POLY1305,auth \[null-digest\],keysize 256/);
});

test('peer-info in the order the 2.6.14 client sent it (server log of the lab capture)', () => {
  const text = buildPeerInfo({
    version: '2.6.14', platform: 'linux', ciphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'],
    ivProto: 990, compression: 'stubs',
  });
  assert.equal(text, [
    'IV_VER=2.6.14', 'IV_PLAT=linux', 'IV_TCPNL=1', 'IV_MTU=1600', 'IV_NCP=2',
    'IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305', 'IV_PROTO=990',
    'IV_LZO_STUB=1', 'IV_COMP_STUB=1', 'IV_COMP_STUBv2=1', '',
  ].join('\n'));
});

test('peer-info: our default IV_PROTO, decompression algorithms, GUI/SSO and extras last', () => {
  assert.equal(DEFAULT_IV_PROTO, 1950);
  assert.equal(DEFAULT_IV_PROTO | IV_PROTO.DYN_TLS_CRYPT | IV_PROTO.DATA_EPOCH, 1950);
  const text = buildPeerInfo({
    version: '2.6.14', platform: 'mac', ciphers: ['CHACHA20-POLY1305'], compression: { lz4: true, lzo: true },
    guiVersion: 'Postern 0.1.0', sso: 'webauth,openurl,crtext', extra: { UV_X: '1', 'BAD\nKEY': 'x', IV_Y: 'a\nb' },
  });
  assert.equal(text, [
    'IV_VER=2.6.14', 'IV_PLAT=mac', 'IV_TCPNL=1', 'IV_MTU=1600',
    'IV_CIPHERS=CHACHA20-POLY1305', 'IV_PROTO=1950', 'IV_LZ4=1', 'IV_LZ4v2=1', 'IV_LZO=1',
    'IV_COMP_STUB=1', 'IV_COMP_STUBv2=1', 'IV_GUI_VER=Postern 0.1.0', 'IV_SSO=webauth,openurl,crtext', 'UV_X=1', '',
  ].join('\n'));
  assert.doesNotMatch(buildPeerInfo({ version: '2.6.14', platform: 'linux', ciphers: [], compression: 'none' }), /COMP|LZ/);
});

test('dev tap: dev-type tap, and link-mtu counts the 32 bytes of tun-mtu-extra 2.x keeps for the Ethernet header', () => {
  // The lab's 2.6 server on dev tap compares it with its own and finds no inconsistency (native-helper/cli/tap.lab.test.ts).
  assert.equal(buildOptionsString({ transport: 'udp', cipher: 'AES-256-GCM', devType: 'tap' }),
    'V4,dev-type tap,link-mtu 1581,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM,auth [null-digest],keysize 256,key-method 2,tls-client');
  assert.equal(deviceTypeInOptions('V4,dev-type tap,link-mtu 1581,tun-mtu 1500,proto UDPv4'), 'tap');
  assert.equal(deviceTypeInOptions('V4,dev-type tun'), 'tun');
  assert.equal(deviceTypeInOptions(''), undefined);
  assert.equal(deviceTypeInOptions(undefined), undefined);
});
