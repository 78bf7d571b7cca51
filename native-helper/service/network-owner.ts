import type { BackendResult } from './tunnel-backend';
import { prepareSharedFolder } from '../ipc/socket-path';
import { RUN_DIR, describeHolder, networkLockPath, tryLock } from './process-lock';

/**
 * One owner of a network namespace's routes and DNS at a time: the helper for the life of
 * each tunnel it runs, a root `postern connect` for the life of its in-process tunnel.
 * Without it the two configure at once: routes collide ("already present, left alone"),
 * one tunnel's traffic leaves in the clear while it reports full redirect, and DNS ends up
 * pointing at a dead server.
 */
export function claimNetwork(runDir: string = RUN_DIR): BackendResult<{ release(): void }> {
  const folderProblem = prepareSharedFolder(runDir);
  if (folderProblem !== undefined) return { ok: false, error: { code: 'tunnel.network_busy', message: `Cannot take the network lock: ${folderProblem.message}` } };
  const path = networkLockPath(runDir);
  const locked = tryLock(path);
  if (locked.ok) return { ok: true, value: locked.value };
  if (locked.problem !== undefined) return { ok: false, error: { code: 'tunnel.network_busy', message: `Cannot take the network lock: ${locked.problem}.` } };
  return {
    ok: false,
    error: {
      code: 'tunnel.network_busy',
      message: `Another Postern tunnel owns this machine's routes and DNS: ${describeHolder(locked.holder)}. Disconnect it first.`,
    },
  };
}
