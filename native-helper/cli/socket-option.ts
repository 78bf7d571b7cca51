import { DEFAULT_SOCKET_PATH } from '../ipc/socket-path';

export const SOCKET_OPTION = '--socket';

/** `--socket PATH`, else $POSTERN_SOCKET, else /run/postern/postern.sock. */
export function resolveSocketPath(values: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv = process.env): string {
  return values.get(SOCKET_OPTION) ?? (env.POSTERN_SOCKET || DEFAULT_SOCKET_PATH);
}
