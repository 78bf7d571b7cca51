import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_STATIC_KEY, block, codes, parse, profileWith } from '../test-kit';

test('remote lines take the port and proto defaults of the whole profile (1194/udp)', () => {
  const { profile, problems } = parse(profileWith('remote a.example.com\nremote b.example.com 443 tcp\nremote c.example.com 1195 udp6\nport 1300\nproto tcp4'));
  assert.deepEqual(codes(problems, 'error'), []);
  const summary = profile.remotes.map((r) => `${r.host}:${r.port}/${r.proto}/${r.family}`);
  // The base profile adds its own remote (vpn.example.com) after these lines.
  assert.deepEqual(summary, ['a.example.com:1300/tcp/ipv4', 'b.example.com:443/tcp/any', 'c.example.com:1195/udp/ipv6', 'vpn.example.com:1300/tcp/ipv4']);
});

test('defaults are 1194/udp', () => {
  const { profile } = parse(profileWith(''));
  assert.deepEqual([profile.remotes[0]?.port, profile.remotes[0]?.proto], [1194, 'udp']);
});

test('server-side protocols and bad ports are rejected at the argument', () => {
  const { problems } = parse(profileWith('remote a 0\nproto tcp-server\nremote b 1194 quic\nremote "a b"'));
  assert.deepEqual(codes(problems, 'error'), ['1 config.bad_value', '2 config.unsupported_value', '3 config.bad_value', '4 config.bad_value']);
  assert.equal(problems[0]?.column, 10);
});

test('<connection> blocks start from the settings before them and keep their own', () => {
  const text = profileWith('', `connect-retry 3\nproto tcp\n<connection>\nremote one 443\n</connection>\nport 8443\n<connection>\nremote two\nproto udp\nhttp-proxy p.example 3128\n</connection>\n<connection>\nremote three\n${block('tls-crypt', FAKE_STATIC_KEY)}</connection>\n`);
  const { profile, problems } = parse(text);
  assert.deepEqual(profile.remotes.map((r) => `${r.host}:${r.port}/${r.proto}/${r.connectRetrySeconds}/${r.connectionBlock ?? '-'}`),
    ['one:443/tcp/3/1', 'two:8443/udp/3/2', 'three:8443/tcp/3/3']);
  assert.equal(profile.remotes[2]?.tlsWrapOverride?.kind, 'tls-crypt');
  assert.equal(profile.remotes[0]?.tlsWrapOverride, undefined);
  // The base remote line is dropped once blocks exist; the proxy block uses UDP: an error.
  assert.deepEqual(codes(problems).filter((c) => !c.includes('duplicate')), [
    `${text.split('\n').indexOf('remote vpn.example.com') + 1} config.remote_ignored_with_connections`,
    `${text.split('\n').indexOf('remote two') + 1} config.unsupported_value`,
    `${text.split('\n').indexOf('port 8443') + 1} config.option_after_connection`,
  ].sort((a, b) => parseInt(a) - parseInt(b)));
});

test('only connection-level directives may sit in a block', () => {
  const { problems } = parse(profileWith('<connection>\nremote a\nverb 3\nauth-user-pass\n</connection>'));
  assert.deepEqual(codes(problems), ['3 config.not_allowed_in_connection', '4 config.not_allowed_in_connection', '8 config.remote_ignored_with_connections']);
});

test('http-proxy with credentials from a file, auto, and options', () => {
  const files = { 'p.txt': Buffer.from('user\nFAKE-pw\n') };
  const { profile, problems } = parse(profileWith('proto tcp\nhttp-proxy proxy.example 8080 p.txt ntlm\nhttp-proxy-option VERSION 1.1\nhttp-proxy-option CUSTOM-HEADER Host vpn.example.com'),
    { readFile: (p) => files[p as keyof typeof files] });
  assert.deepEqual(codes(problems), []);
  assert.equal(profile.proxy?.authMethod, 'ntlm');
  assert.equal(profile.proxy?.credentials?.username, 'user');
  assert.equal(profile.proxy?.credentials?.password.reveal(), 'FAKE-pw');
  assert.equal(profile.proxy?.httpVersion, '1.1');
  assert.deepEqual(profile.proxy?.customHeaders, [{ name: 'Host', value: 'vpn.example.com' }]);
  assert.equal(profile.remotes[0]?.httpProxy?.host, 'proxy.example');
  assert.equal(parse(profileWith('proto tcp\nhttp-proxy p 1 auto-nct')).profile.proxy?.authMethod, 'auto-nct');
});

test('proxy options without http-proxy, and http-proxy without a port, are errors', () => {
  assert.deepEqual(codes(parse(profileWith('http-proxy-option AGENT x')).problems), ['0 config.bad_arguments']);
  assert.deepEqual(codes(parse(profileWith('http-proxy p')).problems), ['1 config.bad_arguments']);
});

test('remote-random and remote-random-hostname are flags', () => {
  const { profile } = parse(profileWith('remote-random\nremote-random-hostname'));
  assert.equal(profile.remoteRandom, true);
  assert.equal(profile.remoteRandomHostname, true);
});

test('socks-proxy: port 1080 by default, credentials from a file beside the profile, per <connection> block', () => {
  const files = { 's.txt': Buffer.from('sockuser\nFAKE-socks-pw\n') };
  const { profile, problems } = parse(profileWith('socks-proxy socks.example 1081 s.txt'), { readFile: (p) => files[p as keyof typeof files] });
  assert.deepEqual(codes(problems), []);
  assert.deepEqual([profile.socksProxy?.host, profile.socksProxy?.port, profile.socksProxy?.credentials?.username], ['socks.example', 1081, 'sockuser']);
  assert.equal(profile.socksProxy?.credentials?.password.reveal(), 'FAKE-socks-pw');
  // UDP is fine: the proxy's UDP ASSOCIATE relay carries it.
  assert.deepEqual([profile.remotes[0]?.proto, profile.remotes[0]?.socksProxy?.host], ['udp', 'socks.example']);
  assert.equal(parse(profileWith('socks-proxy 10.0.0.1')).profile.socksProxy?.port, 1080);
  // `stdin` (OpenVPN asks on its console): asked at connect, no file read.
  const asked = parse(profileWith('socks-proxy s.example 1081 stdin'), { readFile: () => { throw new Error('no file is read'); } });
  assert.deepEqual([asked.profile.socksProxy?.askCredentials, asked.profile.socksProxy?.credentials, asked.problems.length], [true, undefined, 0]);
  const http = parse(profileWith('proto tcp\nhttp-proxy h.example 8080 stdin basic'), { readFile: () => { throw new Error('no file is read'); } });
  assert.deepEqual([http.profile.proxy?.askCredentials, http.profile.proxy?.authMethod, http.problems.length], [true, 'basic', 0]);
  const blocks = parse(profileWith('', '<connection>\nremote a\nsocks-proxy s.example\n</connection>\n<connection>\nremote b\n</connection>\n')).profile;
  assert.deepEqual(blocks.remotes.map((r) => r.socksProxy?.host), ['s.example', undefined]);
  assert.equal(parse(profileWith('socks-proxy-retry')).problems.filter((p) => p.severity === 'error').length, 0);
});

test('socks-proxy: bad host or port, a file outside the folder, with http-proxy, credentials alone: errors at their lines', () => {
  assert.deepEqual(codes(parse(profileWith('socks-proxy "a b" 1080')).problems), ['1 config.bad_value']);
  assert.deepEqual(codes(parse(profileWith('socks-proxy s 0')).problems), ['1 config.bad_value']);
  assert.deepEqual(codes(parse(profileWith('socks-proxy s 1080 ../creds.txt'), { readFile: () => Buffer.from('u\np\n') }).problems), ['1 config.path_escapes_profile']);
  assert.deepEqual(codes(parse(profileWith('socks-proxy s 1080 /etc/shadow'), { readFile: () => Buffer.from('u\np\n') }).problems), ['1 config.path_escapes_profile']);
  assert.deepEqual(codes(parse(profileWith('socks-proxy s 1080 missing.txt'), { readFile: () => undefined }).problems), ['1 config.file_not_found']);
  assert.deepEqual(codes(parse(profileWith('proto tcp\nhttp-proxy h 3128\nsocks-proxy s')).problems), ['3 config.unsupported_value']);
  assert.deepEqual(codes(parse(profileWith('<socks-proxy-user-pass>\nu\np\n</socks-proxy-user-pass>')).problems), ['1 config.bad_arguments']);
});
