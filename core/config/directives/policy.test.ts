import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECTIVE_TABLE, countDirectivesByCategory } from '../directive-table';
import { codes, parse, profileWith } from '../test-kit';

test('every directive in the table is in exactly one category, with a reason unless supported', () => {
  const counts = countDirectivesByCategory();
  assert.equal(counts.supported + counts.ignored + counts.refused + counts.unsupported, DIRECTIVE_TABLE.size);
  for (const spec of DIRECTIVE_TABLE.values()) {
    if (spec.category === 'supported') {
      assert.ok(spec.minArgs <= spec.maxArgs, spec.name);
    } else {
      assert.ok(spec.reason.length > 10 && !spec.reason.includes('\n'), spec.name);
      if (spec.category === 'refused') assert.notEqual(spec.code, 'config.directive_ignored', spec.name);
    }
  }
});

test('the directives named in the brief sit where they should', () => {
  const category = (name: string): string | undefined => DIRECTIVE_TABLE.get(name)?.category;
  for (const name of ['persist-tun', 'resolv-retry', 'nobind', 'verb', 'mute', 'block-outside-dns', 'register-dns']) assert.equal(category(name), 'ignored', name);
  for (const name of ['up', 'down', 'route-up', 'plugin', 'management', 'daemon', 'log', 'status', 'chroot', 'script-security', 'tls-verify']) assert.equal(category(name), 'refused', name);
  for (const name of ['secret', 'fragment', 'server', 'tls-server', 'peer-id', 'auth-token', 'protocol-flags', 'key-derivation']) assert.equal(category(name), 'unsupported', name);
  for (const name of ['remote', 'ca', 'tls-crypt-v2', 'data-ciphers', 'compress', 'auth-user-pass', 'pull-filter', 'keepalive', 'setenv', 'socks-proxy']) assert.equal(category(name), 'supported', name);
});

test('script directives are refused with a warning and the profile still connects', () => {
  const result = parse(profileWith('script-security 2\nup /etc/openvpn/up.sh\ndown "/bin/sh -c x"\nroute-pre-down x'));
  assert.deepEqual(codes(result.problems), ['1 config.script_directive_refused', '2 config.script_directive_refused', '3 config.script_directive_refused', '4 config.script_directive_refused']);
  assert.deepEqual(result.problems.map((p) => p.severity), ['info', 'warning', 'warning', 'warning']);
  assert.ok(!result.problems.some((p) => p.severity === 'error'));
});

test('refusals that would make the profile unsafe or meaningless are errors', () => {
  for (const line of ['tls-verify /bin/check', 'management-external-key', 'pkcs11-providers /usr/lib/p11.so', 'config other.conf']) {
    assert.ok(parse(profileWith(line)).problems.some((p) => p.line === 1 && p.severity === 'error'), line);
  }
});

test('server and push-only directives', () => {
  const { problems } = parse(profileWith('server 10.8.0.0 255.255.255.0\ndh dh.pem\npeer-id 3\nauth-token x'));
  assert.deepEqual(problems.map((p) => `${p.line} ${p.code} ${p.severity}`), [
    '1 config.server_directive error', '2 config.server_directive warning', '3 config.push_only_directive error', '4 config.push_only_directive error',
  ]);
});

test('refused directives are refused inside <connection> blocks too, without being run', () => {
  const { problems } = parse(profileWith('<connection>\nremote a\nup /x\n</connection>'));
  assert.deepEqual(codes(problems), ['3 config.not_allowed_in_connection', '7 config.remote_ignored_with_connections']);
});

test('a policy directive written as an inline block gets its own verdict', () => {
  assert.deepEqual(codes(parse(profileWith('<secret>\nx\n</secret>')).problems), ['1 config.unsupported_directive']);
  assert.deepEqual(codes(parse(profileWith('<dh>\nx\n</dh>')).problems), ['1 config.server_directive']);
});

test('messages name the directive and give the reason', () => {
  const [problem] = parse(profileWith('persist-tun')).problems;
  assert.equal(problem?.message, 'persist-tun is ignored: Postern always keeps the tunnel device across reconnects.');
  assert.equal(problem?.directive, 'persist-tun');
  assert.deepEqual([problem?.line, problem?.column, problem?.severity], [1, 1, 'info']);
});
