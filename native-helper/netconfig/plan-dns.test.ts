import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DnsConfig, DnsServerOption } from '../../core/index';
import { planDns } from './plan-dns';
import { tunnelConfigFixture } from './tunnel-config-fixture';

function dnsConfig(overrides: Partial<DnsConfig>): DnsConfig {
  return { ...tunnelConfigFixture().dns, ...overrides };
}

function server(priority: number, overrides: Partial<DnsServerOption> = {}): DnsServerOption {
  return { priority, addresses: [{ address: `10.8.${priority}.53` }], resolveDomains: [], ...overrides };
}

test('nothing pushed: no DNS plan', () => {
  assert.equal(planDns(dnsConfig({}), true, []), undefined);
});

test('dhcp-option: DNS then DNS6, DOMAIN then DOMAIN-SEARCH, at most three nameservers in resolv.conf', () => {
  const warnings: string[] = [];
  const plan = planDns(dnsConfig({
    servers: ['10.8.0.1', '10.8.0.2', '10.8.0.3'], servers6: ['fd00::53'], domain: 'corp.example', searchDomains: ['lab.example', 'corp.example'],
  }), true, warnings);
  assert.equal(plan?.source, 'dhcp-option');
  assert.deepEqual(plan?.resolved, {
    servers: ['10.8.0.1', '10.8.0.2', '10.8.0.3', 'fd00::53'], domains: ['corp.example', 'lab.example', '~.'], defaultRoute: true,
  });
  assert.deepEqual(plan?.resolvConf, { nameservers: ['10.8.0.1', '10.8.0.2', '10.8.0.3'], search: ['corp.example', 'lab.example'] });
  assert.match(warnings[0] ?? '', /fd00::53 left out/);
});

test('dhcp-option on a split tunnel without domains: the link is one more default resolver', () => {
  const plan = planDns(dnsConfig({ servers: ['10.8.0.1'] }), false, []);
  assert.deepEqual(plan?.resolved, { servers: ['10.8.0.1'], domains: [], defaultRoute: true });
});

test('the dns option wins over dhcp-option DNS, lowest priority first', () => {
  const plan = planDns(dnsConfig({
    servers: ['10.9.9.9'], domain: 'ignored.example',
    dnsOption: { servers: [server(5), server(1)], searchDomains: ['corp.example'] },
  }), false, []);
  assert.equal(plan?.source, 'dns-option');
  assert.deepEqual(plan?.resolved, { servers: ['10.8.1.53'], domains: ['corp.example', '~.'], defaultRoute: true });
  assert.deepEqual(plan?.resolvConf, { nameservers: ['10.8.1.53'], search: ['corp.example'] });
});

test('dns option: resolve-domains, ports, DoT with SNI, DNSSEC; resolv.conf takes the first plain server', () => {
  const warnings: string[] = [];
  const plan = planDns(dnsConfig({
    dnsOption: {
      servers: [
        server(0, { transport: 'DoH', addresses: [{ address: '10.8.0.9' }] }),
        server(1, { transport: 'DoT', sni: 'dns.corp.example', dnssec: 'optional', resolveDomains: ['corp.example', 'lab.example'],
          addresses: [{ address: '10.8.0.10', port: 853 }, { address: 'fd00::10', port: 853 }] }),
        server(2, { addresses: [{ address: '10.8.0.11', port: 53 }] }),
      ],
      searchDomains: ['lab.example'],
    },
  }), true, warnings);
  assert.deepEqual(plan?.resolved, {
    servers: ['10.8.0.10:853#dns.corp.example', '[fd00::10]:853#dns.corp.example'],
    domains: ['lab.example', '~corp.example'], defaultRoute: false, dnssec: 'allow-downgrade', dnsOverTls: true,
  });
  assert.deepEqual(plan?.resolvConf, { nameservers: ['10.8.0.11'], search: ['lab.example'] });
  assert.deepEqual(warnings, []);
});

test('dns option with DoH only: nothing for either backend, with warnings', () => {
  const warnings: string[] = [];
  const plan = planDns(dnsConfig({ dnsOption: { servers: [server(0, { transport: 'DoH' })], searchDomains: [] } }), true, warnings);
  assert.deepEqual(plan, { source: 'dns-option' });
  assert.equal(warnings.length, 2);
});
