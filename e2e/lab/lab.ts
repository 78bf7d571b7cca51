import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { addServerBridge, createLabNetwork, destroyLabNetwork, sweepStaleLabs, type LabNetwork } from './netns';
import { getTestPki, labBaseDir, type PkiKind, type TestPki } from './pki';
import { serverConfig, type LabDevice, type LabWrap } from './server-config';
import { clientProfile } from './client-profile';
import { run, spawnInNamespace, type RunOptions, type RunResult } from './run';
import { clearLoss, setLoss } from './loss';
import { ManagementClient } from './management';
import { startOpenvpn, type OpenvpnProcess } from './openvpn-process';
import { logReader } from './log-reader';
import { startReferenceClient, type ReferenceClient } from './reference-client';
import { serverBuild, type ServerVersion } from './server-builds';

export type { LabDevice, LabWrap } from './server-config';
export { bridgePool } from './server-config';
export type { ServerVersion } from './server-builds';

export interface LabOptions {
  /**
   * The server's generation: '2.6' (default) is apt's openvpn; '2.4', '2.5' and '2.7' are the lab
   * builds of scripts/lab-openvpn-builds.sh (check `serverVersionSkipReason` first).
   */
  serverVersion?: ServerVersion;
  proto?: 'udp' | 'tcp';
  pki?: PkiKind;
  wrap?: LabWrap;
  /**
   * The server's device (server-config.ts LabDevice): `tun` (default), `tap` (routed TAP),
   * `tap-bridge` (server-bridge on a Linux bridge that holds `tunnel.serverIp`), or
   * `tap-bridge-dhcp` (a bare server-bridge: no address pushed).
   */
  device?: LabDevice;
  /** `server-ipv6` in the tunnel (the transport is dual-stack either way). */
  ipv6?: boolean;
  /**
   * A management interface on a unix socket in the lab folder (`managementSocket`).
   * `lab.management` connects on first use: OpenVPN serves one management client at a
   * time, so a test that talks to the socket itself must not touch `lab.management`.
   */
  management?: boolean;
  /** `management-client-auth`: every client waits for `lab.management` to answer; connected from the start (implies `management`). */
  managementClientAuth?: boolean;
  port?: number;
  /** Extra server directives, appended last. A script directive also adds `script-security 2`. */
  serverConfig?: readonly string[];
}

export type LabRemote = 'hostLink' | 'hostLink6' | 'link' | 'link6';

export interface LabProfileOptions {
  /** Which server address the profile names: `hostLink` (default) for in-process clients, `link` for the client namespace. */
  remote?: LabRemote;
  extra?: readonly string[];
  /** Inline blocks (default) or file references into the PKI folder. */
  inline?: boolean;
  credentials?: 'pem' | 'none';
  /** The profile's `dev`: by default the lab's own kind (tun, or tap for every tap device). */
  device?: 'tun' | 'tap';
}

export interface Lab extends LabNetwork {
  proto: 'udp' | 'tcp';
  device: LabDevice;
  /** The control-channel wrap the server runs now (`restartServer({ wrap })` changes it). */
  readonly wrap: LabWrap;
  serverVersion: ServerVersion;
  pki: TestPki;
  port: number;
  /** The lab's own folder: server config, logs, profiles, the management socket. */
  dir: string;
  /** @deprecated the old name of `tunnel`. */
  tunnelNet: LabNetwork['tunnel'];
  managementSocket: string | undefined;
  /** The management client, connecting on first use (a new one after `restartServer`); undefined without `management`. */
  readonly management: ManagementClient | undefined;
  clientProfile(options?: LabProfileOptions): string;
  /** The server's log so far (verb 4, kept across restarts). */
  serverLog(): string;
  waitForLog(pattern: RegExp, timeoutMs?: number, fromOffset?: number): Promise<string>;
  /** Runs a program in a namespace to completion (argv array, never a shell string). */
  exec(namespace: string, argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Starts a long-running program in a namespace; killed at `stop()` at the latest. */
  spawnIn(namespace: string, argv: readonly string[]): ChildProcess;
  /** The Debian openvpn client, by default in the client namespace with `clientProfile({ remote: 'link' })`. */
  startOpenvpnClient(options?: { profile?: string; args?: readonly string[]; namespace?: string }): ReferenceClient;
  /** Random loss on OpenVPN's port, both directions; 0 removes it. */
  setLoss(percent: number, where?: 'link' | 'hostLink' | 'both'): Promise<void>;
  /** Stops and starts the server; with `wrap`, under that wrap (a cheap switch: the namespaces stay). */
  restartServer(changes?: { wrap?: LabWrap }): Promise<void>;
  stop(): Promise<void>;
}

const SERVER_READY = /Initialization Sequence Completed/;
const SERVER_START_TIMEOUT_MS = 15_000;
let swept = false;

/** Starts the lab's OpenVPN server (2.6 unless `serverVersion` says otherwise) in a fresh pair of namespaces; `stop()` removes everything. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  if (!swept) {
    swept = true;
    await sweepStaleLabs();
  }
  const pki = await getTestPki(options.pki ?? 'ec');
  const net = await createLabNetwork();
  const lab = assembleLab(net, pki, options);
  try {
    if (lab.device === 'tap-bridge' || lab.device === 'tap-bridge-dhcp') await addServerBridge(net);
    await lab.restartServer();
  } catch (error) {
    await lab.stop();
    throw error;
  }
  return lab;
}

function assembleLab(net: LabNetwork, pki: TestPki, options: LabOptions): Lab {
  const dir = mkdtempSync(join(labBaseDir(), `${net.id}-`));
  const [proto, port, serverVersion] = [options.proto ?? 'udp', options.port ?? 1194, options.serverVersion ?? '2.6'];
  let wrap = options.wrap ?? 'none';
  const device = options.device ?? 'tun';
  const clientAuth = options.managementClientAuth ?? false;
  const managementSocket = options.management || clientAuth ? join(dir, 'mgmt.sock') : undefined;
  const configFile = join(dir, 'server.conf');
  const logFile = join(dir, 'server.log');
  const writeConfig = (): void => writeFileSync(configFile, serverConfig(net, pki, {
    proto, port, wrap, device, ipv6: options.ipv6 ?? false, version: serverVersion, logFile, pidFile: join(dir, 'server.pid'),
    management: managementSocket ? { socket: managementSocket, clientAuth } : undefined, extra: options.serverConfig ?? [],
  }));
  let server: OpenvpnProcess | undefined;
  let management: ManagementClient | undefined;
  let stopped: Promise<void> | undefined;
  const children = new Set<ChildProcess | ReferenceClient>();
  let clientCount = 0;
  const stopServer = async (): Promise<void> => {
    await management?.close();
    management = undefined;
    await server?.stop();
  };
  const lab: Lab = {
    ...net, tunnelNet: net.tunnel, proto, device, serverVersion, pki, port, dir, managementSocket,
    get wrap() { return wrap; },
    get management() {
      if (managementSocket && !management && server?.isRunning()) management = ManagementClient.open(managementSocket);
      return management;
    },
    clientProfile: ({ remote = 'hostLink', device: dev = device === 'tun' ? 'tun' : 'tap', ...rest } = {}) =>
      clientProfile(pki, { remoteIp: remoteIp(net, remote), port, proto, wrap, device: dev, ...rest }),
    serverLog: () => server?.log() ?? '',
    waitForLog: (pattern, timeoutMs = 15_000, fromOffset = 0) => {
      if (!server) return Promise.reject(new Error('the lab server is not running'));
      return server.waitForLog(pattern, timeoutMs, fromOffset);
    },
    exec: (namespace, argv, o) => run('ip', ['netns', 'exec', namespace, ...argv], o),
    spawnIn: (namespace, argv) => track(children, spawnInNamespace(namespace, argv)),
    startOpenvpnClient: (o = {}) => track(children, startReferenceClient({
      namespace: o.namespace ?? net.clientNs, dir, name: `client${++clientCount}`,
      profile: o.profile ?? lab.clientProfile({ remote: 'link' }), args: o.args,
    })),
    setLoss: (percent, where = 'both') => setLoss(net.serverNs, {
      percent, port,
      interfaces: where === 'both' ? [] : [where === 'link' ? net.link.serverInterface : net.hostLink.serverInterface],
    }),
    restartServer: async (changes = {}) => {
      await stopServer();
      wrap = changes.wrap ?? wrap;
      writeConfig();
      server = await startServer(net.serverNs, configFile, logFile, serverBuild(serverVersion).binary);
      if (clientAuth) management = await ManagementClient.connect(managementSocket as string);
    },
    stop: () => (stopped ??= tearDown(net, children, stopServer)),
  };
  return lab;
}

async function startServer(namespace: string, configFile: string, logFile: string, binary: string): Promise<OpenvpnProcess> {
  const fromOffset = logReader(logFile)().length; // log-append: skip what an earlier run wrote
  const server = startOpenvpn(namespace, ['--config', configFile], logFile, binary);
  try {
    await server.waitForLog(SERVER_READY, SERVER_START_TIMEOUT_MS, fromOffset);
  } catch (error) {
    await server.stop(0);
    throw new Error(`lab server did not start: ${(error as Error).message}`, { cause: error });
  }
  return server;
}

/** Every step runs even if one before it fails; the namespaces go last, with anything still in them. */
async function tearDown(net: LabNetwork, children: Set<ChildProcess | ReferenceClient>, stopServer: () => Promise<void>): Promise<void> {
  const steps: Array<() => Promise<unknown>> = [
    () => Promise.all([...children].map((c) => ('stop' in c ? c.stop() : stopChild(c)))),
    stopServer,
    () => clearLoss(net.serverNs),
  ];
  for (const step of steps) await step().catch(() => undefined);
  await destroyLabNetwork(net);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => { child.once('exit', resolve); child.once('error', resolve); });
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}

function track<T extends ChildProcess | ReferenceClient>(children: Set<ChildProcess | ReferenceClient>, child: T): T {
  children.add(child);
  return child;
}

function remoteIp(net: LabNetwork, remote: LabRemote): string {
  switch (remote) {
    case 'hostLink': return net.hostLink.serverIp;
    case 'hostLink6': return net.hostLink.serverIp6;
    case 'link': return net.link.serverIp;
    case 'link6': return net.link.serverIp6;
  }
}
