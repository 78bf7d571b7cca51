import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Lab } from './lab';
import { withRetries } from './lab-users';

/** danted's port in the server namespace (one proxy per lab namespace, so no clash). */
const SOCKS_PORT = 1080;
const READY_TIMEOUT_MS = 15_000;

export interface LabSocksProxy {
  /** Where the in-process client (root namespace) reaches the proxy: the server ns end of the host link. */
  host: string;
  port: number;
  /** The address dante connects and relays from: the server ns end of the client link, which the OpenVPN server logs as the peer. */
  external: string;
  /** With `auth: 'username'`: a throwaway system account dante checks the password of. */
  user?: { name: string; password: string };
  log(): string;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real dante SOCKS5 server (danted) in the lab's server namespace, with our own config (the
 * Debian package's service is never used). It listens on the host link, where the core client
 * in the root namespace reaches it, and goes out from the client link's address: the root
 * namespace has no route to that address, so a session that reaches the server there came
 * through dante. `auth: 'username'` makes dante check a system account's password (RFC 1929
 * against the shadow file), so a throwaway account is made here and deleted at `stop()`.
 */
export async function startSocksProxy(lab: Lab, options: { auth: 'none' | 'username'; clientSide?: 'root' | 'clientNs' }): Promise<LabSocksProxy> {
  const tag = `${options.auth === 'none' ? 'open' : 'auth'}`;
  // For a client in the client namespace the two links swap roles: it reaches dante on the
  // client link and names the server by its host-link address, which only dante can reach.
  const inClientNs = options.clientSide === 'clientNs';
  const internal = inClientNs ? lab.link.serverIp : lab.hostLink.serverIp;
  const external = inClientNs ? lab.hostLink.serverIp : lab.link.serverIp;
  const client = inClientNs ? lab.link.clientIp : lab.hostLink.hostIp;
  const logFile = join(lab.dir, `danted-${tag}.log`);
  const configFile = join(lab.dir, `danted-${tag}.conf`);
  const user = options.auth === 'username' ? makeThrowawayUser(lab.id) : undefined;
  writeFileSync(configFile, [
    `logoutput: ${logFile}`,
    `internal: ${internal} port = ${SOCKS_PORT}`,
    `external: ${external}`,
    'clientmethod: none',
    `socksmethod: ${options.auth}`,
    'user.privileged: root',
    'user.unprivileged: nobody',
    // dante's parser wants each rule keyword on a line of its own.
    'client pass {', `  from: ${client}/32 to: 0.0.0.0/0`, '  log: connect disconnect error', '}',
    'socks pass {', `  from: 0.0.0.0/0 to: ${external}/32`, '  command: connect udpassociate', '  log: connect disconnect error', '}',
    'socks pass {', `  from: ${external}/32 to: 0.0.0.0/0`, '  command: udpreply', '  log: connect disconnect error', '}',
    '',
  ].join('\n'));
  const child = lab.spawnIn(lab.serverNs, ['danted', '-f', configFile, '-p', join(lab.dir, `danted-${tag}.pid`)]);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    if (user) deleteUser(user.name);
  };
  try {
    await waitUntilReady(lab, inClientNs ? lab.clientNs : undefined, internal, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`danted did not start: ${(error as Error).message}\n${output}\n${log()}`, { cause: error });
  }
  return {
    host: internal,
    port: SOCKS_PORT,
    external,
    ...(user ? { user } : {}),
    log,
    async waitForLog(pattern, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(log());
        if (match) return match[0];
        if (Date.now() > until) throw new Error(`danted never logged ${pattern}:\n${log()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop,
  };
}

/** Until dante accepts connections, tried from where its clients are (a namespace: with bash's /dev/tcp). */
async function waitUntilReady(lab: Lab, namespace: string | undefined, host: string, exited: () => boolean): Promise<void> {
  const port = SOCKS_PORT;
  const until = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited()) throw new Error('it exited');
    const ok = namespace !== undefined
      ? (await lab.exec(namespace, ['bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`]).then((r) => r.code === 0, () => false))
      : await new Promise<boolean>((resolve) => {
        const socket = connect({ host, port });
        socket.once('connect', () => { socket.destroy(); resolve(true); });
        socket.once('error', () => resolve(false));
      });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${host}:${port} after ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A system account with no home and no shell, only a random password for dante to check. */
function makeThrowawayUser(labId: string): { name: string; password: string } {
  const name = `pstsocks-${labId}`.toLowerCase().slice(0, 32);
  const password = `FAKE-${randomBytes(9).toString('base64url')}`;
  withRetries(() => {
    try { execFileSync('id', [name], { stdio: 'pipe' }); } catch {
      execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
    }
  });
  withRetries(() => { execFileSync('chpasswd', { input: `${name}:${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] }); });
  return { name, password };
}

function deleteUser(name: string): void {
  try {
    withRetries(() => { execFileSync('userdel', [name], { stdio: 'pipe' }); });
  } catch { /* already gone */ }
}
