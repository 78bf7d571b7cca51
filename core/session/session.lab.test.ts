import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { labSkipReason } from '../../e2e/lab/prerequisites';
import { openUdpLink } from '../transport/udp-link';
import { openTcpLink } from '../transport/tcp-link';
import { Session } from './session';
import type { SessionSettings } from './session-settings';
import { parseStaticKeyFile, parseTlsCryptV2ClientKey } from '../wrap/static-key';
import { buildIcmpEchoRequest, parseIcmpEcho } from '../testing/ip-packets';
import type { TunnelConfig } from '../control/tunnel-config';

const skip = labSkipReason();

function settingsFor(lab: Lab): SessionSettings {
  const wrap: SessionSettings['wrap'] = lab.wrap === 'tls-auth'
    ? { kind: 'tls-auth', staticKey: unwrap(parseStaticKeyFile(lab.pki.staticKey)), direction: 1, digest: 'SHA1' }
    : lab.wrap === 'tls-crypt' ? { kind: 'tls-crypt', staticKey: unwrap(parseStaticKeyFile(lab.pki.staticKey)) }
      : lab.wrap === 'tls-crypt-v2' ? { kind: 'tls-crypt-v2', clientKey: unwrap(parseTlsCryptV2ClientKey(lab.pki.tlsCryptV2ClientKey)) }
        : { kind: 'none' };
  return {
    transport: lab.proto,
    tls: { secureContext: { ca: lab.pki.caCert, cert: lab.pki.clientCert, key: lab.pki.clientKey }, peerCheck: { remoteCertTlsServer: true } },
    wrap,
    dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'],
    auth: 'SHA1',
    compression: 'none',
    allowDecompression: false,
    peerInfo: { version: '2.6.14', guiVersion: 'Postern 0.1.0', extra: {} },
    routeNopull: false,
    pullFilters: [],
    timers: { handWindowSeconds: 60, renegotiateSeconds: 3600, pingRestartSeconds: 120, tlsTimeoutSeconds: 2 },
  };
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

async function connectAndPing(lab: Lab): Promise<{ config: TunnelConfig; connectMs: number }> {
  const settings = settingsFor(lab);
  const startedAt = performance.now();
  let session: Session | undefined;
  const sinks = {
    onPacket: (p: Buffer) => session?.receive(p),
    onClosed: () => undefined,
    onDrop: () => undefined,
  };
  const link = lab.proto === 'udp'
    ? await openUdpLink(lab.hostLink.serverIp, 1194, 4, sinks)
    : await openTcpLink(lab.hostLink.serverIp, 1194, 4, sinks);
  const replies: Buffer[] = [];
  try {
    const connected = new Promise<TunnelConfig>((resolve, reject) => {
      session = new Session(settings, (p) => link.send(p), {
        onPhase: () => undefined,
        onConnected: (config) => resolve(config),
        onPacket: (ip) => replies.push(ip),
        onLog: () => undefined,
        onEnd: (end) => reject(new Error(`${end.code}: ${end.message}`)),
      });
      session.start();
    });
    const config = await connected;
    const connectMs = performance.now() - startedAt;
    const local = config.ifconfig?.local ?? '';
    for (let seq = 1; seq <= 20 && !replies.some((r) => parseIcmpEcho(r)?.type === 0); seq++) {
      session?.sendPacket(buildIcmpEchoRequest({ src: local, dst: lab.tunnelNet.serverIp, id: 7, seq }));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const reply = replies.map(parseIcmpEcho).find((r) => r?.type === 0);
    assert.ok(reply, `no echo reply; drops: ${JSON.stringify(session?.counters.drops)}`);
    assert.equal(reply.src, lab.tunnelNet.serverIp);
    return { config, connectMs };
  } finally {
    session?.close();
    link.close();
  }
}

for (const proto of ['udp', 'tcp'] as const) {
  for (const wrap of ['none', 'tls-auth', 'tls-crypt', 'tls-crypt-v2'] as const) {
    test(`core connects over ${proto} with ${wrap} and pings through the tunnel`, { skip, timeout: 60_000 }, async (t) => {
      const lab = await startLab({ proto, wrap });
      t.after(() => lab.stop());
      const { config, connectMs } = await connectAndPing(lab);
      t.diagnostic(`connected in ${connectMs.toFixed(0)} ms, cipher ${config.cipher}, ${config.keyDerivation}`);
    });
  }
}
