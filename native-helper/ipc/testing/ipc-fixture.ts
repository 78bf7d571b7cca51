import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIpcServer } from '../ipc-server';
import type { IpcServer, IpcServerOptions } from '../ipc-server';
import { MemoryTunnelBackend } from './memory-tunnel-backend';

/** Test-only: a real socket server over the in-memory backend, in a temp folder other users can reach. */
export interface IpcFixture {
  dir: string;
  socketPath: string;
  backend: MemoryTunnelBackend;
  server: IpcServer;
  /** What the server logged, as "level: message". */
  logs: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startIpcFixture(options: Partial<IpcServerOptions> & Pick<IpcServerOptions, 'group'>, socketName = 'run/postern.sock'): Promise<IpcFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-ipc-'));
  // Other users (setpriv) must reach the socket's folder, so the socket's own rules decide.
  chmodSync(dir, 0o755);
  const socketPath = join(dir, socketName);
  const backend = new MemoryTunnelBackend();
  const logs: string[] = [];
  const started = await startIpcServer({ socketPath, backend, log: (level, message) => logs.push(`${level}: ${message}`), ...options });
  assert.ok(started.ok, started.ok ? '' : `${started.error.code}: ${started.error.message}`);
  const server = started.value;
  return {
    dir, socketPath, backend, server, logs,
    async [Symbol.asyncDispose]() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
