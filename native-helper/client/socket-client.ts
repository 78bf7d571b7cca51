import { lstatSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { HelperConnection } from '../api/index';
import type { HelperCallResult, HelperError, MethodResult } from '../api/index';
import { DEFAULT_HELPER_GROUP, groupMembers, groupName } from './helper-group';

export interface ConnectToHelperOptions {
  /** Names this client in the helper's log ('postern-cli', 'postern-desktop'). */
  client: string;
  /** Bounds connect + hello. */
  timeoutMs?: number;
  /** Bounds each later call; unset by default (disconnect waits for the teardown). */
  callTimeoutMs?: number;
  /**
   * Refuse a socket owned by anyone but root or ourselves: it could be an impostor
   * collecting the passwords we send (mullvad's verifyOwnership). On by default.
   */
  verifyOwner?: boolean;
  /**
   * Also trust a socket owned by our own uid (a helper a developer runs unprivileged in
   * tests). The desktop app sets false: only a root-owned socket can be the real helper.
   */
  trustOwnUid?: boolean;
}

export interface HelperClient {
  connection: HelperConnection;
  hello: MethodResult<'hello'>;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 5000;
export const START_HELPER_HINT = 'Start it with: sudo systemctl start postern-helper (the installed package), or from a checkout: sudo npx postern helper';

export const DEFAULT_SOCKET_PATH = '/run/postern/postern.sock';

/** Connects to a running helper over its Unix socket and says hello. Never throws. */
export async function connectToHelper(socketPath: string, options: ConnectToHelperOptions): Promise<HelperCallResult<HelperClient>> {
  if (options.verifyOwner ?? true) {
    const problem = checkOwner(socketPath, options.trustOwnUid ?? true);
    if (problem !== undefined) return { ok: false, error: problem };
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socket = createConnection(socketPath);
  const opened = await withTimeout(waitForConnect(socket, socketPath), timeoutMs, () => socket.destroy());
  if (!opened.ok) return opened.error.code === PERMISSION_DENIED ? { ok: false, error: await notInGroup(socketPath) } : opened;
  const connection = new HelperConnection(
    { write: (bytes) => { socket.write(bytes); }, close: () => { socket.destroy(); } },
    options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs },
  );
  socket.on('data', (chunk: Buffer) => connection.receive(chunk));
  socket.on('error', () => { /* 'close' follows and ends the connection */ });
  socket.on('close', () => connection.transportClosed());
  const hello = await withTimeout(connection.hello(options.client), timeoutMs, () => connection.close());
  if (!hello.ok) {
    connection.close();
    return hello;
  }
  return { ok: true, value: { connection, hello: hello.value, close: () => connection.close() } };
}

function checkOwner(socketPath: string, trustOwnUid: boolean): HelperError | undefined {
  let stat;
  try {
    stat = lstatSync(socketPath);
  } catch (error) {
    return unavailable(socketPath, (error as NodeJS.ErrnoException).code);
  }
  const me = process.getuid?.() ?? 0;
  if (!stat.isSocket()) return { code: 'ipc.untrusted_socket', message: `${socketPath} is not a socket.` };
  if (stat.uid !== 0 && !(trustOwnUid && stat.uid === me)) {
    return { code: 'ipc.untrusted_socket', message: `${socketPath} belongs to uid ${stat.uid}, not root: refusing to talk to it.` };
  }
  return undefined;
}

function waitForConnect(socket: Socket, socketPath: string): Promise<HelperCallResult<undefined>> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ ok: true, value: undefined }));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: unavailable(socketPath, error.code) }));
  });
}

const PERMISSION_DENIED = 'ipc.not_in_group';

function unavailable(socketPath: string, errno: string | undefined): HelperError {
  if (errno === 'EACCES' || errno === 'EPERM') return { code: PERMISSION_DENIED, message: `Permission denied on the helper socket ${socketPath}.` };
  return { code: 'ipc.helper_unavailable', message: `No Postern helper is running at ${socketPath} (${errno ?? 'error'}). ${START_HELPER_HINT}` };
}

function withTimeout<T>(promise: Promise<HelperCallResult<T>>, timeoutMs: number, onTimeout: () => void): Promise<HelperCallResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<HelperCallResult<T>>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve({ ok: false, error: { code: 'ipc.timeout', message: `The helper did not answer within ${timeoutMs} ms.` } });
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The kernel refused connect() on the socket file (root:GROUP 0660): say which group
 * the helper serves and how to join it, or that it serves root only.
 */
async function notInGroup(socketPath: string): Promise<HelperError> {
  let gid: number | undefined;
  try {
    gid = lstatSync(socketPath).gid;
  } catch {
    // Gone meanwhile: the generic wording below still holds.
  }
  if (gid === 0) {
    return {
      code: PERMISSION_DENIED,
      message: `The Postern helper serves only root on this machine: it found no '${DEFAULT_HELPER_GROUP}' group when it started. `
        + `An administrator can create it (sudo groupadd ${DEFAULT_HELPER_GROUP}), restart the helper, and add you (sudo usermod -aG ${DEFAULT_HELPER_GROUP} $USER).`,
    };
  }
  const name = gid === undefined ? DEFAULT_HELPER_GROUP : await groupName(gid) ?? `gid ${gid}`;
  const me = userInfo().username;
  // Added to the group, but this login session still carries the groups it started with.
  if ((await groupMembers(name)).includes(me)) {
    return { code: PERMISSION_DENIED, message: `You were added to the group '${name}' after you logged in: log out and in again to use Postern.` };
  }
  return {
    code: PERMISSION_DENIED,
    message: `Only members of the group '${name}' may use the Postern helper. Ask an administrator to run: sudo usermod -aG ${name} ${me} — then log out and in again.`,
  };
}
