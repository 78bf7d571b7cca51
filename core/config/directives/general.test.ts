import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_CERT, FAKE_KEY, block, codes, parse, profileWith } from '../test-kit';
import { summarizeProfile } from '../summarize-profile';

const creds = `${block('ca', FAKE_CERT)}${block('cert', FAKE_CERT)}${block('key', FAKE_KEY)}`;

test('client, or pull with tls-client, is required', () => {
  assert.deepEqual(codes(parse(`dev tun\nremote a\n${creds}`).problems), ['0 config.missing_client']);
  assert.deepEqual(codes(parse(`pull\ntls-client\ndev tun\nremote a\n${creds}`).problems), []);
  assert.deepEqual(codes(parse(`pull\ndev tun\nremote a\n${creds}`).problems), ['0 config.missing_client']);
});

test('dev tun, tunN, tap, tapN and dev-type are fine; null and a name that says nothing are not', () => {
  assert.deepEqual(codes(parse(profileWith('dev tun7')).problems), ['3 config.duplicate_directive']);
  assert.equal(parse(profileWith('')).profile.device, 'tun');
  assert.equal(parse(`client\nremote a\n${creds}`).profile.device, 'tun', 'no dev line: tun');
  for (const text of [`client\ndev tap\nremote a\n${creds}`, `client\ndev tap3\nremote a\n${creds}`, `client\ndev vpn0\ndev-type tap\nremote a\n${creds}`]) {
    const { profile, problems } = parse(text);
    assert.equal(profile.device, 'tap', text);
    // TAP is accepted, with one note on what it leaves out: no DHCP on the device.
    assert.deepEqual(codes(problems), [`${text.includes('dev-type') ? 3 : 2} config.tap_limits`], text);
    const note = problems[0];
    assert.equal(note?.severity, 'info');
    assert.match(note?.message ?? '', /no DHCP client/);
    assert.match(note?.message ?? '', /control\.tap_no_ifconfig/);
  }
  assert.equal(parse(`client\ndev tap0\ndev-type tun\nremote a\n${creds}`).profile.device, 'tun', 'dev-type wins over the name');
  assert.deepEqual(codes(parse(`client\ndev null\nremote a\n${creds}`).problems), ['2 config.unsupported_value']);
  assert.deepEqual(codes(parse(`client\ndev vpn0\nremote a\n${creds}`).problems), ['2 config.bad_value']);
  assert.deepEqual(codes(parse(`client\ndev vpn0\ndev-type tun\nremote a\n${creds}`).problems), []);
});

test('the summary names the device, and for tap what it leaves out', () => {
  assert.equal(summarizeProfile(parse(profileWith('')).profile).device, 'tun (IP packets)');
  assert.match(summarizeProfile(parse(`client\ndev tap\nremote a\n${creds}`).profile).device, /^tap \(Ethernet frames.*no DHCP/);
});

test('setenv: peer-info variables kept, others explained', () => {
  const { profile, problems } = parse(profileWith('setenv IV_GUI_VER "Acme 1.2"\nsetenv UV_PLAN gold\nsetenv IV_PLAT windows\nsetenv FOO bar\nsetenv PUSH_PEER_INFO'));
  assert.deepEqual(profile.peerInfo, { pushPeerInfo: true, extra: { IV_GUI_VER: 'Acme 1.2', UV_PLAN: 'gold' } });
  assert.deepEqual(codes(problems), ['3 config.directive_ignored', '4 config.directive_ignored']);
  assert.equal(parse(profileWith('push-peer-info')).profile.peerInfo.pushPeerInfo, true);
});

test('unknown directives are errors with a suggestion, unless setenv opt or ignore-unknown-option covers them', () => {
  const { problems } = parse(profileWith('remote-cert-tsl server\nsetenv opt remote-cert-tsl server\nignore-unknown-option --frob\nfrob 1\nfrob2'));
  assert.deepEqual(codes(problems), ['1 config.unknown_directive', '2 config.unknown_directive_ignored', '4 config.unknown_directive_ignored', '5 config.unknown_directive']);
  assert.equal(problems[0]?.hint, 'Did you mean remote-cert-tls?');
  assert.equal(problems[1]?.column, 12);
});

test('setenv opt on a known directive applies it; FORWARD_COMPATIBLE downgrades unknown ones', () => {
  const { profile, problems } = parse(profileWith('setenv opt tun-mtu 1400\nsetenv FORWARD_COMPATIBLE 1\nnew-thing 2'));
  assert.equal(profile.tunMtuBytes, 1400);
  assert.deepEqual(codes(problems), ['3 config.unknown_directive_ignored']);
});

test('wrong argument counts are errors; under setenv opt only warnings', () => {
  assert.deepEqual(codes(parse(profileWith('client extra\nnobind')).problems), ['1 config.bad_arguments', '2 config.directive_ignored']);
  assert.deepEqual(codes(parse(profileWith('setenv opt tun-mtu')).problems), ['1 config.bad_arguments']);
  assert.equal(parse(profileWith('setenv opt tun-mtu')).problems[0]?.severity, 'warning');
});

test('tun-mtu and mssfix', () => {
  const { profile } = parse(profileWith('tun-mtu 1400\nmssfix 1300 mtu'));
  assert.equal(profile.tunMtuBytes, 1400);
  assert.deepEqual(profile.mssfix, { bytes: 1300, mode: 'mtu' });
  assert.deepEqual(parse(profileWith('mssfix')).profile.mssfix, { bytes: 1492, mode: 'default' });
  assert.deepEqual(codes(parse(profileWith('tun-mtu 100')).problems), ['1 config.bad_value']);
});

test('mode server is a server configuration', () => {
  assert.deepEqual(codes(parse(profileWith('mode server')).problems), ['1 config.server_directive']);
  assert.deepEqual(codes(parse(profileWith('mode p2p')).problems), []);
});
