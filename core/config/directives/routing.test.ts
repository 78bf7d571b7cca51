import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes, parse, profileWith } from '../test-kit';

test('routes with defaults and keywords', () => {
  const { profile, problems } = parse(profileWith('route 10.0.0.0 255.0.0.0\nroute 10.1.0.0 default net_gateway default\nroute host.example.com\nroute-ipv6 2001:db8::/48 default 7'));
  assert.deepEqual(codes(problems), []);
  assert.deepEqual(profile.routing.routes, [
    { network: '10.0.0.0', netmask: '255.0.0.0' }, { network: '10.1.0.0', gateway: 'net_gateway' }, { network: 'host.example.com' },
  ]);
  assert.deepEqual(profile.routing.routesIpv6, [{ network: '2001:db8::/48', metric: 7 }]);
});

test('bad routes are reported at the argument', () => {
  const { problems } = parse(profileWith('route 10.0.0.0 255.0.0\nroute 10.0.0.0 255.0.0.0 gw\nroute-ipv6 10.0.0.0/8\nroute 1.2.3.4 255.255.255.255 vpn_gateway -1'));
  assert.deepEqual(codes(problems), ['1 config.bad_value', '2 config.bad_value', '3 config.bad_value', '4 config.bad_value']);
  assert.equal(problems[1]?.column, 26);
});

test('redirect-gateway, pull-filter, route-nopull, dhcp-option, dns, block-ipv6', () => {
  const { profile, problems } = parse(profileWith('redirect-gateway def1 !ipv4 ipv6\nredirect-private local\npull-filter ignore "route "\nroute-nopull\ndhcp-option DNS 1.1.1.1\ndhcp-option DISABLE-NBT\ndns search-domains example.com\nblock-ipv6'));
  assert.deepEqual(codes(problems), []);
  const r = profile.routing;
  assert.deepEqual(r.redirectGateway, { flags: ['def1', '!ipv4', 'ipv6'] });
  assert.deepEqual(r.redirectPrivate, { flags: ['local'] });
  assert.deepEqual(r.pullFilters, [{ action: 'ignore', prefix: 'route ' }]);
  assert.equal(r.routeNopull, true);
  assert.deepEqual(r.dhcpOptions, [{ type: 'DNS', value: '1.1.1.1' }, { type: 'DISABLE-NBT' }]);
  assert.deepEqual(r.dns, [['search-domains', 'example.com']]);
  assert.equal(r.blockIpv6, true);
  assert.deepEqual(codes(parse(profileWith('pull-filter drop "x"')).problems), ['1 config.bad_value']);
  assert.deepEqual(codes(parse(profileWith('pull-filter ignore route 10')).problems), ['1 config.bad_arguments']);
});

test('pushed addressing in a profile is ignored with a warning; Windows DNS options quietly', () => {
  assert.deepEqual(codes(parse(profileWith('topology subnet\nroute-gateway 10.8.0.1')).problems, 'warning'), ['1 config.directive_ignored', '2 config.directive_ignored']);
  assert.deepEqual(codes(parse(profileWith('block-outside-dns\nregister-dns')).problems, 'info'), ['1 config.windows_only_ignored', '2 config.windows_only_ignored']);
});
