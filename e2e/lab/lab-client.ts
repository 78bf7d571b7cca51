import { VpnClient, type ClientPhaseChange, type ConnectedInfo } from '../../core/client/vpn-client';
import type { SessionSettings } from '../../core/session/session-settings';
import type { Renegotiation, SessionEnd, SessionLogLine } from '../../core/session/events';
import { parseStaticKeyFile, parseTlsCryptV2ClientKey } from '../../core/wrap/static-key';
import { buildIcmpEchoRequest, buildIcmpv6EchoRequest, isIcmpv6EchoReply, parseIcmpEcho } from '../../core/testing/ip-packets';
import type { Lab } from './lab';
import type { HttpProxySettings } from '../../core/transport/http-proxy';
import type { Socks5Settings } from '../../core/transport/socks5';
import type { AuthPrompt } from '../../core/auth/auth-prompt';

export type SettingsOverrides = Partial<Omit<SessionSettings, 'transport' | 'timers' | 'tls'>> & {
  timers?: Partial<SessionSettings['timers']>;
  tls?: Partial<SessionSettings['tls']>;
};

/** Session settings for the lab server, as a profile for it would give them. */
export function labSessionSettings(lab: Lab, overrides: SettingsOverrides = {}): Omit<SessionSettings, 'transport'> {
  const staticKey = (): Buffer => unwrapResult(parseStaticKeyFile(lab.pki.staticKey));
  // tls-auth signs with the `auth` digest, as a profile's `auth` line makes it (client-options.ts).
  const wrap: SessionSettings['wrap'] = lab.wrap === 'tls-auth' ? { kind: 'tls-auth', staticKey: staticKey(), direction: 1, digest: overrides.auth ?? 'SHA1' }
    : lab.wrap === 'tls-crypt' ? { kind: 'tls-crypt', staticKey: staticKey() }
      : lab.wrap === 'tls-crypt-v2' ? { kind: 'tls-crypt-v2', clientKey: unwrapResult(parseTlsCryptV2ClientKey(lab.pki.tlsCryptV2ClientKey)) }
        : { kind: 'none' };
  const base: Omit<SessionSettings, 'transport'> = {
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
  return {
    ...base, ...overrides,
    tls: { ...base.tls, ...overrides.tls },
    timers: { ...base.timers, ...overrides.timers },
  };
}

function unwrapResult<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** A core client connected to the lab, with helpers to ping through it. */
export interface LabClient {
  client: VpnClient;
  info: ConnectedInfo;
  connectMs: number;
  phases: ClientPhaseChange[];
  logs: SessionLogLine[];
  /** Every renegotiation that completed (onRenegotiated), in order. */
  renegotiations: Renegotiation[];
  received: Buffer[];
  connections: ConnectedInfo[];
  ping(options?: { count?: number; intervalMs?: number; ipv6?: boolean; payload?: Buffer }): Promise<{ sent: number; answered: number }>;
  waitForConnections(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<SessionEnd>;
}

export interface StartOptions extends SettingsOverrides {
  remote?: 'hostLink' | 'hostLink6';
  /** Connect somewhere else (a relay in front of the lab server). */
  endpoint?: { host: string; port: number };
  /** Extra remotes tried before the lab server (to prove failover). */
  remotesBefore?: Array<{ host: string; port: number }>;
  httpProxy?: HttpProxySettings;
  socksProxy?: Socks5Settings;
  connectTimeoutMs?: number;
  /** Answers the client's questions (a proxy's sign-in, say); unanswered questions wait. */
  onPrompt?: (prompt: AuthPrompt, client: VpnClient) => void;
}

/** Starts a VpnClient against the lab; rejects with the end reason if it stops before connecting. */
export async function connectLabClient(lab: Lab, options: StartOptions = {}): Promise<LabClient> {
  const { remote, endpoint, remotesBefore, httpProxy, socksProxy, connectTimeoutMs, onPrompt, ...overrides } = options;
  const phases: ClientPhaseChange[] = [];
  const logs: SessionLogLine[] = [];
  const renegotiations: Renegotiation[] = [];
  const received: Buffer[] = [];
  const connections: ConnectedInfo[] = [];
  let stoppedWith: SessionEnd | undefined;
  let onStop: ((end: SessionEnd) => void) | undefined;
  const startedAt = performance.now();
  const host = remote === 'hostLink6' ? lab.hostLink.serverIp6 : lab.hostLink.serverIp;
  const client = new VpnClient({
    remotes: [...(remotesBefore ?? []).map((r) => ({ ...r, proto: lab.proto })), { host: endpoint?.host ?? host, port: endpoint?.port ?? lab.port, proto: lab.proto }],
    remoteRandom: false,
    session: labSessionSettings(lab, overrides),
    connectRetrySeconds: 1,
    connectRetryMaxSeconds: 5,
    serverPollTimeoutSeconds: 10,
    httpProxy,
    socksProxy,
  }, {
    onPhase: (change) => phases.push(change),
    onConnected: (info) => connections.push(info),
    onPacket: (ip) => received.push(ip),
    onLog: (log) => logs.push(log),
    onRenegotiated: (renegotiation) => renegotiations.push(renegotiation),
    onStopped: (end) => { stoppedWith = end; onStop?.(end); },
    ...(onPrompt ? { onPrompt: (prompt: AuthPrompt) => onPrompt(prompt, client) } : {}),
  });
  void client.start();
  const deadline = Date.now() + (connectTimeoutMs ?? 30_000);
  while (connections.length === 0) {
    if (stoppedWith) throw Object.assign(new Error(`${stoppedWith.code}: ${stoppedWith.message}`), { end: stoppedWith, phases });
    if (Date.now() > deadline) {
      await client.stop();
      throw Object.assign(new Error(`not connected within ${connectTimeoutMs ?? 30_000} ms; phases: ${phases.map((p) => p.phase).join(' → ')}`), { phases });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const connectMs = performance.now() - startedAt;
  let pingId = 1;
  return {
    client, info: connections[0] as ConnectedInfo, connectMs, phases, logs, renegotiations, received, connections,
    async ping({ count = 3, intervalMs = 250, ipv6 = false, payload }: { count?: number; intervalMs?: number; ipv6?: boolean; payload?: Buffer } = {}) {
      const id = pingId++;
      const config = connections.at(-1)?.config;
      let answered = 0;
      const seen = new Set<number>();
      const startIndex = received.length;
      for (let seq = 1; seq <= count; seq++) {
        const packet = ipv6
          ? buildIcmpv6EchoRequest({ src: config?.ifconfigIpv6?.address ?? '::', dst: lab.tunnel.serverIp6, id, seq, payload })
          : buildIcmpEchoRequest({ src: config?.ifconfig?.local ?? '0.0.0.0', dst: lab.tunnel.serverIp, id, seq, payload });
        client.sendPacket(packet);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const packet of received.slice(startIndex)) {
        if (ipv6 && isIcmpv6EchoReply(packet)) { answered++; continue; }
        const echo = parseIcmpEcho(packet);
        if (echo?.type === 0 && echo.id === id && !seen.has(echo.seq)) { seen.add(echo.seq); answered++; }
      }
      return { sent: count, answered };
    },
    async waitForConnections(count, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (connections.length < count) {
        if (Date.now() > until) throw new Error(`only ${connections.length} connections within ${timeoutMs} ms; phases: ${phases.map((p) => `${p.phase}${p.detail ? `(${p.detail})` : ''}`).join(' → ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      const stopped = new Promise<SessionEnd>((resolve) => { onStop = resolve; if (stoppedWith) resolve(stoppedWith); });
      await client.stop();
      return stopped;
    },
  };
}
