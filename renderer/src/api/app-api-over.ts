import { APP_METHODS, AppCallError, AppEvent } from '../../../electron/api/app-api';
import type { AppApi, AppMethod, AppParams, AppResult, CallEnvelope } from '../../../electron/api/app-api';
import type { Transport } from './transport';

/** The error code the window shows while its event stream from main is down. */
export const LINK_LOST = 'app.link_lost';

/**
 * The renderer's AppApi over a transport. Answers and events are checked against the
 * schemas main uses: the window trusts nothing it did not validate. Events that fail the
 * check are dropped (a newer main may send more kinds than this window knows).
 */
export function appApiOver(transport: Transport): AppApi {
  const listeners = new Set<(event: AppEvent) => void>();
  let unsubscribe: (() => void) | undefined;
  const deliver = (raw: unknown): void => {
    const parsed = AppEvent.safeParse(raw);
    if (!parsed.success) return;
    for (const listener of [...listeners]) listener(parsed.data);
  };
  const lost = (): void => {
    // Told as the helper-event kind for failures outside a session, so the store needs no
    // second channel; the next snapshot (after the reopen) clears it.
    deliver({ type: 'helper', event: { type: 'error', code: LINK_LOST, message: 'The event stream from the Postern app closed.' } });
  };
  const resync = (): void => {
    // After a lost stream a fresh snapshot tells what changed meanwhile.
    void api.call('app.snapshot', {}).then((snapshot) => deliver({ type: 'snapshot', snapshot }), () => undefined);
  };
  const api: AppApi = {
    async call<M extends AppMethod>(method: M, params: AppParams<M>): Promise<AppResult<M>> {
      let answer: CallEnvelope;
      try {
        answer = await transport.invoke(method, params);
      } catch {
        throw new AppCallError('app.unreachable', 'The Postern app is not answering.');
      }
      if (!isEnvelope(answer)) throw new AppCallError('app.bad_result', `The app sent an unexpected answer to ${method}.`);
      if (!answer.ok) throw new AppCallError(answer.error.code, answer.error.message);
      const result = APP_METHODS[method].result.safeParse(answer.result);
      if (!result.success) throw new AppCallError('app.bad_result', `The app sent an unexpected answer to ${method}.`);
      return result.data as AppResult<M>;
    },
    onEvent(listener) {
      listeners.add(listener);
      unsubscribe ??= transport.subscribe(deliver, resync, lost);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        unsubscribe?.();
        unsubscribe = undefined;
      };
    },
  };
  return api;
}

function isEnvelope(value: unknown): value is CallEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const envelope = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (envelope.ok === true) return true;
  return envelope.ok === false && typeof envelope.error?.code === 'string' && typeof envelope.error.message === 'string';
}
