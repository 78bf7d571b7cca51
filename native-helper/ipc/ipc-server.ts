import { lstatSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { POSTERN_VERSION, encodeFrame } from '../api/index';
import type { TunnelBackend } from '../service/tunnel-backend';
import type { HelperGroup } from '../client/helper-group';
import { SessionOwners } from './access-policy';
import { DEFAULT_ADMISSION, admissionRefusal } from './admission';
import type { AdmissionLimits } from './admission';
import { fanOutEvents } from './event-fan-out';
import { addonPeerCredentials } from './peer-credentials';
import type { PeerCredentialsReader } from './peer-credentials';
import { ServerConnection } from './server-connection';
import type { ConnectionLimits } from './server-connection';
import type { HandlerContext } from './request-handlers';
import { SILENT_LOG } from './server-log';
import type { ServerLog } from './server-log';
import { SessionLog } from './session-log';
import { openSocketToGroup, prepareSocketPath, removeSocketFile } from './socket-path';

export interface IpcServerOptions {
  socketPath: string;
  backend: TunnelBackend;
  /**
   * Whose members may use the helper besides root: the socket becomes root:GROUP 0660.
   * null: root only (0600), as when the group does not exist.
   */
  group: HelperGroup | null;
  /** How many clients, per user and in all; beyond them 'ipc.too_many_clients'. */
  admission?: Partial<AdmissionLimits>;
  log?: ServerLog;
  helperVersion?: string;
  limits?: Partial<ConnectionLimits>;
  /** Who is calling; SO_PEERCRED through the addon unless a test supplies its own. */
  peerCredentials?: PeerCredentialsReader;
}

export interface IpcServer {
  readonly socketPath: string;
  readonly clientCount: number;
  /** Stops accepting, drops every client, removes the socket file. */
  close(): Promise<void>;
}

export interface IpcServerError {
  code: 'ipc.socket_in_use' | 'ipc.socket_path_unsafe' | 'ipc.listen_failed' | 'addon.not_built';
  message: string;
}

const REFUSED_LINGER_MS = 2000;
export const DEFAULT_LIMITS: ConnectionLimits = { softBacklogBytes: 256 * 1024, hardBacklogBytes: 8 * 1024 * 1024, helloTimeoutMs: 10_000, idleTimeoutMs: 30_000 };

/**
 * The helper's local socket: one ServerConnection per client, one subscription to
 * the backend's events, fanned out to every subscriber allowed to see them. The socket
 * is created under umask 077 and then opened to the helper's group (root:GROUP 0660);
 * each caller is checked again from SO_PEERCRED/SO_PEERGROUPS, and what a member may do
 * (their own tunnel only) is decided per request.
 */
export async function startIpcServer(options: IpcServerOptions): Promise<{ ok: true; value: IpcServer } | { ok: false; error: IpcServerError }> {
  const log = options.log ?? SILENT_LOG;
  let peerCredentials: PeerCredentialsReader;
  try {
    peerCredentials = options.peerCredentials ?? addonPeerCredentials();
  } catch (error) {
    return { ok: false, error: { code: 'addon.not_built', message: (error as Error).message } };
  }
  const pathProblem = await prepareSocketPath(options.socketPath);
  if (pathProblem !== undefined) return { ok: false, error: pathProblem };

  const connections = new Set<ServerConnection>();
  const owners = new SessionOwners(options.backend);
  const sessionLog = new SessionLog();
  const clients: ClientPool = {
    connections,
    context: { backend: options.backend, owners, sessionLog, helperVersion: options.helperVersion ?? POSTERN_VERSION },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    admission: { ...DEFAULT_ADMISSION, ...options.admission },
    group: options.group,
    peerCredentials,
    log,
  };
  const unsubscribe = fanOutEvents(options.backend, { connections, owners, sessionLog, log });
  const accept = (socket: Socket): void => acceptClient(socket, clients);
  const server = createServer(accept);
  const listened = await listen(server, options.socketPath);
  if (listened !== undefined) {
    unsubscribe();
    return { ok: false, error: { code: 'ipc.listen_failed', message: `Cannot listen on ${options.socketPath}: ${listened.message}` } };
  }
  // After listen, errors are accept() failures (EMFILE): one client lost, never the helper.
  server.on('error', (error) => log('error', `accept failed: ${error.message}`));
  const inode = lstatSync(options.socketPath).ino;
  openSocketToGroup(options.socketPath, options.group?.gid);
  log('info', `listening on ${options.socketPath} for ${options.group ? `root and the group '${options.group.name}'` : 'root only'}`);

  let closing: Promise<void> | undefined;
  return {
    ok: true,
    value: {
      socketPath: options.socketPath,
      get clientCount() { return connections.size; },
      close: () => {
        closing ??= new Promise<void>((resolve) => {
          unsubscribe();
          server.close(() => resolve());
          for (const connection of connections) connection.close();
        }).then(() => removeSocketFile(options.socketPath, inode));
        return closing;
      },
    },
  };
}

interface ClientPool {
  connections: Set<ServerConnection>;
  context: HandlerContext;
  limits: ConnectionLimits;
  admission: AdmissionLimits;
  group: HelperGroup | null;
  peerCredentials: PeerCredentialsReader;
  log: ServerLog;
}

function acceptClient(socket: Socket, pool: ClientPool): void {
  socket.on('error', () => {});
  let caller;
  try {
    caller = pool.peerCredentials(socket);
  } catch (error) {
    pool.log('error', `cannot identify a client (${(error as Error).message}); closing it`);
    socket.destroy();
    return;
  }
  const refusal = admissionRefusal(caller, [...pool.connections].map((connection) => connection.caller), pool.group, pool.admission);
  if (refusal !== undefined) {
    socket.end(encodeFrame({ kind: 'response', id: null, ok: false, error: refusal }));
    setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
    pool.log('warn', `refused uid ${caller.uid} pid ${caller.pid}: ${refusal.message}`);
    return;
  }
  const connection = new ServerConnection(socket, caller, pool.context, pool.limits, pool.log);
  pool.connections.add(connection);
  socket.on('close', () => pool.connections.delete(connection));
}

/** listen() under umask 077, so the socket never exists with wider rights than we chmod later. */
function listen(server: Server, socketPath: string): Promise<Error | undefined> {
  const previousUmask = process.umask(0o077);
  return new Promise<Error | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen(socketPath, () => {
      server.off('error', resolve);
      resolve(undefined);
    });
  }).finally(() => process.umask(previousUmask));
}
