import { HelperEvent, encodeFrame } from '../api/index';
import type { TunnelBackend } from '../service/tunnel-backend';
import { mayAccess } from './access-policy';
import type { SessionOwners } from './access-policy';
import type { ServerConnection } from './server-connection';
import type { ServerLog } from './server-log';
import type { SessionLog } from './session-log';

export interface FanOutTargets {
  connections: ReadonlySet<ServerConnection>;
  owners: SessionOwners;
  sessionLog: SessionLog;
  log: ServerLog;
}

/**
 * Listens to every backend event once and passes it to each subscriber allowed to see
 * it: validated first (nothing off-schema leaves the helper), encoded once for all.
 * Returns the unsubscribe.
 */
export function fanOutEvents(backend: TunnelBackend, targets: FanOutTargets): () => void {
  return backend.onEvent((raw) => {
    // This runs inside the backend's emit: a failure here must not reach the tunnel.
    try {
      fanOut(raw, targets);
    } catch (error) {
      targets.log('error', `event fan-out failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  });
}

function fanOut(raw: HelperEvent, { connections, owners, sessionLog, log }: FanOutTargets): void {
  const parsed = HelperEvent.safeParse(raw);
  if (!parsed.success) {
    log('error', `the backend emitted an event that does not match the schema (${String(raw.type)}); not sent`);
    return;
  }
  const event = parsed.data;
  if (event.type === 'log') sessionLog.add(event.sessionId, event.line);
  const ownerUid = owners.ownerOfEvent(event);
  let frame: Uint8Array | undefined;
  for (const connection of connections) {
    if (!connection.subscribed || !mayAccess(connection.caller, ownerUid)) continue;
    frame ??= encodeFrame({ kind: 'event', event });
    connection.sendEvent(event, frame);
  }
}
