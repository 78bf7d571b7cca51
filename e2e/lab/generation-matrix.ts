import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { startLab, type Lab, type LabWrap } from './lab';
import { connectLabClient, type StartOptions } from './lab-client';
import { labTest } from './lab-test';
import { serverVersionSkipReason } from './prerequisites';
import { serverBuild, type ServerVersion } from './server-builds';

/** The wraps every generation is tried with; one lab per version and transport, restarted between them. */
export const MATRIX_WRAPS: readonly LabWrap[] = ['tls-crypt', 'tls-auth', 'none'];

/**
 * Registers the interop matrix for one server generation: per transport, Postern's core
 * client and then the Debian 2.6 client connect and ping under each wrap, and a diagnostic
 * line puts their connect times side by side. Each version has its own test file, so the
 * runner takes the generations in parallel.
 */
export function serverGenerationMatrix(version: ServerVersion): void {
  for (const proto of ['udp', 'tcp'] as const) {
    labTest(`${version} server over ${proto}: Postern and the 2.6 client connect and ping with ${MATRIX_WRAPS.join(', ')}`,
      { timeout: 180_000, skip: serverVersionSkipReason(version) }, async (t) => {
        const lab = await startLab({ serverVersion: version, proto, wrap: MATRIX_WRAPS[0] });
        t.after(() => lab.stop());
        assertServerVersion(lab, serverBuild(version).exact ?? version);
        const times: string[] = [];
        for (const wrap of MATRIX_WRAPS) {
          if (lab.wrap !== wrap) await lab.restartServer({ wrap });
          const postern = (await posternConnectsAndPings(lab)).connectMs;
          const reference = await referenceConnectsAndPings(lab);
          times.push(`${wrap} Postern ${postern.toFixed(0)} ms, openvpn 2.6 ${reference.toFixed(0)} ms`);
        }
        t.diagnostic(`connect times against a ${version} server over ${proto}: ${times.join('; ')}`);
        diagnoseDataKeys(t, lab);
      });
  }
}

/** Connects the core client, pings through it, stops it; returns its connect time in ms and the data cipher. */
export async function posternConnectsAndPings(lab: Lab, options: StartOptions = {}): Promise<{ connectMs: number; cipher: string }> {
  const client = await connectLabClient(lab, { connectTimeoutMs: 20_000, ...options });
  try {
    const result = await client.ping({ count: 3, intervalMs: 100 });
    // One lost reply is a starved machine, not a broken data channel: the others prove the keys agree.
    assert.ok(result.answered >= 2, `Postern under ${lab.wrap}: ${result.answered}/${result.sent} answered; drops ${JSON.stringify(client.client.counters?.drops)}`);
    return { connectMs: client.connectMs, cipher: client.info.cipher };
  } finally {
    await client.stop();
  }
}

/** The same for the Debian 2.6 client in the client namespace, with its own profile lines. */
export async function referenceConnectsAndPings(lab: Lab, extra: readonly string[] = []): Promise<number> {
  const client = lab.startOpenvpnClient({ profile: lab.clientProfile({ remote: 'link', extra }) });
  try {
    const ms = await client.waitConnected(20_000);
    const ping = await lab.exec(lab.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '2', lab.tunnel.serverIp]);
    assert.match(ping.stdout, /[1-9] received/, `openvpn 2.6 client under ${lab.wrap}: ${ping.stdout}`);
    return ms;
  } finally {
    await client.stop();
  }
}

/**
 * What the server made of the clients' protocol announcements: the IV_PROTO values it saw
 * (bit 1024 asks for 2.7's epoch data keys) and the protocol-flags it pushed back (`aead-epoch`
 * when it agreed). A report here; core/client/epoch-keys.lab.test.ts asserts the epoch format.
 */
function diagnoseDataKeys(t: TestContext, lab: Lab): void {
  const log = lab.serverLog();
  const distinct = (pattern: RegExp): string[] => [...new Set([...log.matchAll(pattern)].map((m) => m[1] as string))];
  const ivProto = distinct(/peer info: IV_PROTO=(\d+)/g);
  const flags = distinct(/protocol-flags ([a-z -]+?)[,']/g);
  if (flags.length === 0) return; // 2.5 pushes no protocol-flags: nothing to say about epoch keys
  const epoch = ivProto.filter((value) => (Number(value) & EPOCH_BIT) !== 0);
  t.diagnostic(`epoch data keys on the ${lab.serverVersion} server: clients announced IV_PROTO ${ivProto.join(', ')} (epoch bit in ${epoch.length > 0 ? epoch.join(', ') : 'none'}); `
    + `it pushed protocol-flags ${flags.join(' / ') || '(none)'}`);
}

/** IV_PROTO_DATA_EPOCH (shared/protocol-2.7.md §1). */
const EPOCH_BIT = 1024;

/** The server's first log line names its version: proves the lab ran the generation asked for. */
export function assertServerVersion(lab: Lab, exact: string): void {
  assert.match(lab.serverLog(), new RegExp(`OpenVPN ${exact.replaceAll('.', '\\.')}[ .]`), `the lab server is not openvpn ${exact}`);
}
