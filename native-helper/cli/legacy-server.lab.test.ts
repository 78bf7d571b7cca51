import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { assertServerVersion } from '../../e2e/lab/generation-matrix';
import { serverVersionSkipReason } from '../../e2e/lab/prerequisites';
import { addonSkipReason } from '../addon/addon-test-prerequisites';
import { PosternProcess } from './testing/postern-process';

// `postern connect` (as root, in the client namespace, with the real TUN device: the service
// the helper runs, in-process) against a 2.4-era server running BF-CBC, played by the lab's
// 2.5.1 with ncp-disable. BF-CBC is in OpenSSL 3's legacy provider only: the profile's
// `providers legacy default` has the addon load it into the process, and without that line
// nothing is loaded and the connect ends with a typed error that says what to add. Then once
// against a real 2.4 server (Ubuntu focal's 2.4.7, optional: it skips where that build could
// not be fetched) running its default BF-CBC with `ncp-disable`.

const skip = serverVersionSkipReason('2.5') ?? addonSkipReason({ root: true });
const skip24 = serverVersionSkipReason('2.4') ?? addonSkipReason({ root: true });

async function startBfServer(): Promise<Lab> {
  return startLab({ serverVersion: '2.5', proto: 'udp', wrap: 'tls-crypt', serverConfig: ['ncp-disable', 'cipher BF-CBC'] });
}

function writeProfile(lab: Lab, name: string, extra: readonly string[]): string {
  const path = join(lab.dir, name);
  writeFileSync(path, lab.clientProfile({ remote: 'link', extra }), { mode: 0o600 });
  return path;
}

labTest('postern connect to a BF-CBC server with providers legacy default: the addon loads the provider, pings go through', { skip, timeout: 90_000 }, async (t) => {
  const lab = await startBfServer();
  t.after(() => lab.stop());
  const profile = writeProfile(lab, 'old-server.ovpn', ['data-ciphers AES-256-GCM:BF-CBC', 'providers legacy default']);
  const postern = new PosternProcess(lab.clientNs, ['connect', profile, '--json']);
  t.after(() => postern.stop('SIGKILL'));
  await postern.waitForState('connected', 60_000).catch((error: unknown) => {
    throw new Error(`not connected: ${postern.stderr.join('')}\n${JSON.stringify(postern.lines.slice(-8))}`, { cause: error });
  });
  const tunnel = await postern.waitForLine((line) => line['type'] === 'tunnel');
  assert.equal((tunnel['tunnel'] as { cipher: string }).cipher, 'BF-CBC');
  const result = await lab.exec(lab.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '2', lab.tunnel.serverIp], { timeoutMs: 15_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(lab.serverLog(), /Data Channel: Cipher 'BF-CBC' initialized with 128 bit key/);
  const logs = postern.lines.filter((line) => line['type'] === 'log').map((line) => (line['line'] as { message: string }).message);
  assert.ok(logs.some((message) => /64-bit blocks \(SWEET32\): its keys are renewed every 64 MB/.test(message)), `the SWEET32 warning is logged: ${logs.join(' | ')}`);
  assert.equal(await postern.stop('SIGTERM'), 0);
});

labTest('postern connect to a BF-CBC server without the providers line: nothing is loaded, and the error says what to add', { skip, timeout: 60_000 }, async (t) => {
  const lab = await startBfServer();
  t.after(() => lab.stop());
  const profile = writeProfile(lab, 'no-providers.ovpn', ['data-ciphers AES-256-GCM:BF-CBC']);
  const postern = new PosternProcess(lab.clientNs, ['connect', profile, '--json']);
  t.after(() => postern.stop('SIGKILL'));
  const ended = await postern.waitForLine((line) => line['type'] === 'state' && line['state'] === 'disconnected', 40_000);
  assert.deepEqual(ended['error'], {
    code: 'data.legacy_provider_unavailable',
    message: 'The data cipher BF-CBC needs OpenSSL\'s legacy provider, which this profile does not load (providers legacy default).',
    data: { kind: 'legacy_cipher', cipher: 'BF-CBC' },
  });
  assert.notEqual(await postern.exited, 0);
  // The same in words, as a person runs it.
  const human = new PosternProcess(lab.clientNs, ['connect', profile]);
  t.after(() => human.stop('SIGKILL'));
  await human.exited;
  const printed = human.lines.filter((line) => line['type'] === 'text').map((line) => line['text']).join('\n');
  assert.match(printed, /The server uses BF-CBC, which needs the line "providers legacy default" in the profile\./);
});

labTest('postern connect to a real 2.4.7 server with ncp-disable (its default BF-CBC) and providers legacy default: connects, pings go through', { skip: skip24, timeout: 90_000 }, async (t) => {
  const lab = await startLab({ serverVersion: '2.4', proto: 'udp', wrap: 'tls-crypt', serverConfig: ['ncp-disable'] });
  t.after(() => lab.stop());
  assertServerVersion(lab, '2.4.7');
  const profile = writeProfile(lab, 'router.ovpn', ['data-ciphers AES-256-GCM:BF-CBC', 'providers legacy default']);
  const started = performance.now();
  const postern = new PosternProcess(lab.clientNs, ['connect', profile, '--json']);
  t.after(() => postern.stop('SIGKILL'));
  await postern.waitForState('connected', 60_000).catch((error: unknown) => {
    throw new Error(`not connected: ${postern.stderr.join('')}\n${JSON.stringify(postern.lines.slice(-8))}`, { cause: error });
  });
  t.diagnostic(`postern connect against 2.4.7 (BF-CBC): connected ${Math.round(performance.now() - started)} ms after the process started`);
  const tunnel = await postern.waitForLine((line) => line['type'] === 'tunnel');
  assert.equal((tunnel['tunnel'] as { cipher: string }).cipher, 'BF-CBC');
  const result = await lab.exec(lab.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '2', lab.tunnel.serverIp], { timeoutMs: 15_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(lab.serverLog(), /Outgoing Data Channel: Cipher 'BF-CBC' initialized with 128 bit key/);
  assert.equal(await postern.stop('SIGTERM'), 0);
});
