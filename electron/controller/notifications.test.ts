import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notificationFor } from './notifications';

test('a failed leak check says which checks failed, in plain words, and what to do; a pass says nothing', () => {
  const failed = notificationFor({
    type: 'leak_check', sessionId: 's1', ok: false, atMs: 1,
    checks: [
      { id: 'default_route_v4', ok: false, detail: 'routes outside the tunnel take public traffic: 0.0.0.0/2 via 10.1.1.1 dev veth0' },
      { id: 'dns_routes', ok: false, detail: '10.255.255.53 routes via 0.0.0.0/2' },
      { id: 'ipv6', ok: true, detail: 'IPv6 goes through the tunnel' },
    ],
  });
  assert.equal(failed?.title, 'Postern: leak check failed');
  assert.equal(failed?.body, 'Failed checks: “Internet traffic (IPv4)”, “The way to the DNS servers”. '
    + 'Some traffic may leave outside the VPN. Disconnect and connect again; if it stays, send the log to whoever manages this computer.');
  assert.equal(notificationFor({ type: 'leak_check', sessionId: 's1', ok: true, atMs: 1, checks: [] }), undefined);
  assert.equal(notificationFor({ type: 'killswitch', mode: 'always', allowLan: false, dnsLeakProtection: true, blocking: true }), undefined);
});
