// From .ovpn text to a working tunnel: the profile parser, the client options built from
// it, and the client, against the real OpenVPN 2.6 server. Profiles are what the lab
// server would hand out (inline <ca>, <cert>, <key>, <tls-crypt>…).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type LabOptions } from '../../e2e/lab/lab';
import { labSkipReason } from '../../e2e/lab/prerequisites';
import { parseProfile, isConnectable } from '../config/index';
import { clientOptionsFromProfile } from './client-options';
import { VpnClient } from './vpn-client';
import { buildIcmpEchoRequest, parseIcmpEcho } from '../testing/ip-packets';
import type { ConnectedInfo } from './vpn-client';

const skip = labSkipReason();

async function connectWithProfile(text: string, tunnelServerIp: string): Promise<{ info: ConnectedInfo; answered: number; connectMs: number }> {
  const parsed = parseProfile(text);
  assert.ok(parsed.profile && isConnectable(parsed), JSON.stringify(parsed.problems.filter((p) => p.severity === 'error')));
  const options = clientOptionsFromProfile(parsed.profile);
  assert.ok(options.ok, JSON.stringify(!options.ok && options.error));
  const received: Buffer[] = [];
  let resolveConnected!: (info: ConnectedInfo) => void;
  let rejectConnected!: (error: Error) => void;
  const connected = new Promise<ConnectedInfo>((resolve, reject) => { resolveConnected = resolve; rejectConnected = reject; });
  const startedAt = performance.now();
  const client = new VpnClient(options.value, {
    onPhase: () => undefined,
    onConnected: (info) => resolveConnected(info),
    onPacket: (ip) => received.push(ip),
    onLog: () => undefined,
    onStopped: (end) => rejectConnected(new Error(`${end.code}: ${end.message}`)),
  });
  void client.start();
  try {
    const info = await connected;
    const connectMs = performance.now() - startedAt;
    for (let seq = 1; seq <= 3; seq++) {
      client.sendPacket(buildIcmpEchoRequest({ src: info.config.ifconfig?.local ?? '', dst: tunnelServerIp, id: 99, seq }));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { info, connectMs, answered: received.filter((p) => parseIcmpEcho(p)?.type === 0).length };
  } finally {
    await client.stop();
  }
}

const cases: Array<[string, LabOptions, string[]]> = [
  ['udp, tls-crypt-v2, inline blocks', { wrap: 'tls-crypt-v2' }, []],
  ['tcp, tls-auth with key-direction', { proto: 'tcp', wrap: 'tls-auth' }, []],
  ['udp, tls-crypt, verify-x509-name and data-ciphers', { wrap: 'tls-crypt' }, ['verify-x509-name server.lab.postern name', 'data-ciphers CHACHA20-POLY1305:AES-256-GCM']],
];

for (const [name, labOptions, extra] of cases) {
  test(`profile → tunnel: ${name}`, { skip, timeout: 60_000 }, async (t) => {
    const lab = await startLab(labOptions);
    t.after(() => lab.stop());
    const { info, answered, connectMs } = await connectWithProfile(lab.clientProfile({ extra }), lab.tunnelNet.serverIp);
    t.diagnostic(`connected in ${connectMs.toFixed(0)} ms with ${info.cipher}`);
    assert.ok(answered >= 2, `answered ${answered}/3`);
  });
}

test('profile → tunnel: <connection> blocks are tried in order', { skip, timeout: 60_000 }, async (t) => {
  const lab = await startLab();
  t.after(() => lab.stop());
  const base = lab.clientProfile().split('\n').filter((line) => !line.startsWith('remote ') && !line.startsWith('proto '));
  const profile = [
    ...base,
    `<connection>\nremote ${lab.hostLink.serverIp} 1195\nproto udp\n</connection>`,
    `<connection>\nremote ${lab.hostLink.serverIp} 1194\nproto udp\n</connection>`,
  ].join('\n');
  const { info, answered } = await connectWithProfile(profile, lab.tunnelNet.serverIp);
  assert.equal(info.remote.port, 1194);
  assert.ok(answered >= 2);
});

test('profile → tunnel: peer-fingerprint without a CA (2.6 self-signed mode); a wrong fingerprint is fatal', { skip, timeout: 60_000 }, async (t) => {
  const lab = await startLab();
  t.after(() => lab.stop());
  const { X509Certificate } = await import('node:crypto');
  const fingerprint = new X509Certificate(lab.pki.serverCert).fingerprint256;
  const withoutCa = (fp: string): string => lab.clientProfile().replace(/<ca>[\s\S]*?<\/ca>\n/, '') + `peer-fingerprint ${fp}\n`;
  const { answered } = await connectWithProfile(withoutCa(fingerprint), lab.tunnelNet.serverIp);
  assert.ok(answered >= 2);
  const wrong = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
  await assert.rejects(connectWithProfile(withoutCa(wrong), lab.tunnelNet.serverIp), /tls\.peer_fingerprint/);
});
