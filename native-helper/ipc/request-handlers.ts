import { HELPER_PROTOCOL_VERSION } from '../api/index';
import type { HelperMethod, MethodParams, WireError } from '../api/index';
import type { BackendResult, Caller, TunnelBackend } from '../service/tunnel-backend';
import { isForbiddenSession, mayAccess, statusFor } from './access-policy';
import type { SessionOwners } from './access-policy';
import type { SessionLog } from './session-log';

export interface HandlerContext {
  backend: TunnelBackend;
  owners: SessionOwners;
  sessionLog: SessionLog;
  helperVersion: string;
}

export type Reply = { ok: true; result: unknown } | { ok: false; error: WireError };
type Handler<M extends HelperMethod> = (params: MethodParams<M>, caller: Caller, context: HandlerContext) => Reply | Promise<Reply>;

const DEFAULT_LOG_LINES = 200;
const NO_KILL_SWITCH: Reply = { ok: false, error: { code: 'killswitch.unavailable', message: 'This helper has no kill switch.' } };
const FORBIDDEN: Reply = { ok: false, error: { code: 'ipc.forbidden', message: 'This tunnel was started by another user; only they or root can control it.' } };

/**
 * One handler per method, called with params the server already validated and the
 * caller the kernel named. Access checks live here, before the backend is asked.
 * Synchronous where possible: `events.subscribe` relies on its reply being written
 * before any event that follows the status it reports.
 */
export const REQUEST_HANDLERS: { [M in HelperMethod]: Handler<M> } = {
  hello: (_params, caller, context) => ok({ protocolVersion: HELPER_PROTOCOL_VERSION, helperVersion: context.helperVersion, uid: caller.uid }),

  'tunnel.connect': (params, caller, { backend, owners }) => {
    const running = backend.status();
    const started = backend.connect(params, caller);
    if (started.ok) {
      owners.record(started.value.sessionId, caller.uid);
      return ok(started.value);
    }
    // The backend names the running profile; another user must not learn it.
    if (started.error.code === 'tunnel.already_running' && running !== null && !mayAccess(caller, running.ownerUid)) {
      return { ok: false, error: { code: 'tunnel.already_running', message: 'Another tunnel is already running on this machine.' } };
    }
    return fromBackend(started);
  },

  'tunnel.disconnect': async (_params, caller, { backend }) => {
    if (isForbiddenSession(caller, backend.status())) return FORBIDDEN;
    return fromBackend(await backend.disconnect());
  },

  'tunnel.status': (_params, caller, { backend }) => ok({ session: statusFor(caller, backend.status()) }),

  'events.subscribe': (_params, caller, { backend }) => ok({ session: statusFor(caller, backend.status()) }),

  'auth.answer': (params, caller, { backend }) => {
    if (isForbiddenSession(caller, backend.status())) return FORBIDDEN;
    return fromBackend(backend.answerPrompt(params));
  },

  'auth.cancel': (params, caller, { backend }) => {
    if (isForbiddenSession(caller, backend.status())) return FORBIDDEN;
    return fromBackend(backend.cancelPrompt(params));
  },

  // The kill switch is the machine's: root and every member of the helper's group (whoever got
  // past admission) may read and change it; the group is the administrator's grant (README).
  'killswitch.get': (_params, _caller, { backend }) => (backend.killSwitch ? ok(backend.killSwitch.state()) : NO_KILL_SWITCH),

  'killswitch.set': async (params, _caller, { backend }) => (backend.killSwitch ? fromBackend(await backend.killSwitch.set(params)) : NO_KILL_SWITCH),

  // A hint anyone admitted may give: the tunnel acts only on a sleep its own clocks measured.
  'power.resumed': (_params, _caller, { backend }) => {
    backend.powerResumed?.();
    return ok({});
  },

  'log.recent': (params, caller, { backend, owners, sessionLog }) => {
    const limit = params.limit ?? DEFAULT_LOG_LINES;
    // Root reads the backend's ring (it also holds lines from before this server started).
    if (caller.uid === 0) return ok({ lines: backend.recentLog(limit) });
    const lines = sessionLog.recent(limit, (sessionId) => sessionId !== undefined && mayAccess(caller, owners.ownerOf(sessionId)));
    return ok({ lines });
  },
};

function ok(result: unknown): Reply {
  return { ok: true, result };
}

function fromBackend<T>(result: BackendResult<T>): Reply {
  return result.ok ? { ok: true, result: result.value } : { ok: false, error: result.error };
}
