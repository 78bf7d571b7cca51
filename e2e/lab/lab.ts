import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createLabNetwork, destroyLabNetwork, type LabNetwork } from './netns';
import { getTestPki, type PkiKind, type TestPki } from './pki';
import { clientProfile, serverConfig, type LabWrap } from './server-config';
import { run, spawnInNamespace, type RunResult } from './run';
import { clearLoss, setLoss } from './loss';

export interface LabOptions {
  proto?: 'udp' | 'tcp';
  pki?: PkiKind;
  wrap?: LabWrap;
  ipv6?: boolean;
  management?: boolean;
  /** Extra server directives. */
  serverConfig?: readonly string[];
}

export interface Lab extends LabNetwork {
  proto: 'udp' | 'tcp';
  wrap: LabWrap;
  pki: TestPki;
  port: number;
  dir: string;
  managementSocket?: string;
  /** A client profile for this server; `remote: 'hostLink'` for the in-process client (default), `'link'` for the client namespace. */
  clientProfile(options?: { remote?: 'hostLink' | 'link' | 'hostLink6'; extra?: readonly string[]; credentials?: 'pem' | 'none' }): string;
  serverLog(): string;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exec(namespace: string, argv: readonly string[], timeoutMs?: number): Promise<RunResult>;
  spawnIn(namespace: string, argv: readonly string[]): ChildProcess;
  setLoss(percent: number): Promise<void>;
  restartServer(): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<Lab>();
let exitHandlerInstalled = false;

/** Starts the lab's OpenVPN 2.6 server in a fresh pair of namespaces; `stop()` removes everything. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  installExitHandler();
  const pki = await getTestPki(options.pki ?? 'ec');
  const net = await createLabNetwork();
  const dir = mkdtempSync(join(process.env['POSTERN_LAB_DIR'] ?? tmpdir(), `${net.id}-`));
  const proto = options.proto ?? 'udp';
  const wrap = options.wrap ?? 'none';
  const managementSocket = options.management ? join(dir, 'mgmt.sock') : undefined;
  const logFile = join(dir, 'server.log');
  const configFile = join(dir, 'server.conf');
  writeFileSync(configFile, serverConfig(net, pki, { proto, wrap, ipv6: options.ipv6 ?? false, management: managementSocket, extra: options.serverConfig ?? [] }, logFile));
  let server: ChildProcess | undefined;

  const lab: Lab = {
    ...net, proto, wrap, pki, port: 1194, dir, managementSocket,
    clientProfile: (o = {}) => {
      const remoteIp = o.remote === 'link' ? net.link.serverIp : o.remote === 'hostLink6' ? net.hostLink.serverIp6 : net.hostLink.serverIp;
      return clientProfile(pki, { remoteIp, proto, wrap, credentials: o.credentials, extra: o.extra });
    },
    serverLog: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    waitForLog: (pattern, timeoutMs = 15_000) => waitForLog(lab, pattern, timeoutMs),
    exec: (namespace, argv, timeoutMs) => run('ip', ['netns', 'exec', namespace, ...argv], { timeoutMs }),
    spawnIn: (namespace, argv) => spawnInNamespace(namespace, argv),
    setLoss: (percent) => (percent > 0 ? setLoss(net.serverNs, percent, 1194) : clearLoss(net.serverNs)),
    restartServer: async () => {
      await stopServer(server);
      server = await startServer(lab, configFile);
    },
    stop: async () => {
      live.delete(lab);
      await stopServer(server);
      server = undefined;
      await destroyLabNetwork(net);
    },
  };
  live.add(lab);
  try {
    server = await startServer(lab, configFile);
  } catch (error) {
    await lab.stop();
    throw error;
  }
  return lab;
}

async function startServer(lab: Lab, configFile: string): Promise<ChildProcess> {
  const before = lab.serverLog().length;
  const server = spawnInNamespace(lab.serverNs, ['openvpn', '--config', configFile]);
  const started = await waitForLog(lab, /Initialization Sequence Completed/, 15_000, before).then(() => true, (error: Error) => error);
  if (started !== true) {
    server.kill('SIGKILL');
    throw started;
  }
  return server;
}

async function stopServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

async function waitForLog(lab: Lab, pattern: RegExp, timeoutMs: number, fromOffset = 0): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = lab.serverLog().slice(fromOffset);
    const match = pattern.exec(log);
    if (match) return match[0];
    if (Date.now() > deadline) throw new Error(`lab server: no ${pattern} within ${timeoutMs} ms; log tail:\n${log.split('\n').slice(-15).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A test run that is interrupted still removes its namespaces. */
function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  const cleanUp = async (): Promise<void> => {
    await Promise.all([...live].map((lab) => lab.stop().catch(() => undefined)));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => { void cleanUp().finally(() => process.exit(130)); });
  }
}
