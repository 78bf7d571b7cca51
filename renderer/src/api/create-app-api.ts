import { APP_METHODS, AppCallError, AppEvent } from '../../../electron/api/app-api';
import type { AppApi, AppMethod, AppParams, AppResult, CallEnvelope, PreloadBridge } from '../../../electron/api/app-api';

/** How calls leave the renderer: Electron's preload, or the loopback bridge in browser mode. */
export interface Transport {
  invoke(method: string, params: unknown): Promise<CallEnvelope>;
  subscribe(listener: (event: unknown) => void, onReopen: () => void): () => void;
}

/**
 * The renderer's AppApi over a transport. Results and events are checked against the
 * same schemas main uses: the renderer trusts nothing it did not validate.
 */
export function createAppApi(transport: Transport): AppApi {
  const listeners = new Set<(event: AppEvent) => void>();
  let unsubscribe: (() => void) | undefined;
  const deliver = (raw: unknown): void => {
    const parsed = AppEvent.safeParse(raw);
    if (parsed.success) for (const listener of listeners) listener(parsed.data);
  };
  const api: AppApi = {
    async call<M extends AppMethod>(method: M, params: AppParams<M>): Promise<AppResult<M>> {
      let answer: CallEnvelope;
      try {
        answer = await transport.invoke(method, params);
      } catch {
        throw new AppCallError('app.unreachable', 'The Postern app is not answering.');
      }
      if (!answer.ok) throw new AppCallError(answer.error.code, answer.error.message);
      const result = APP_METHODS[method].result.safeParse(answer.result);
      if (!result.success) throw new AppCallError('app.bad_result', `The app sent an unexpected answer to ${method}.`);
      return result.data as AppResult<M>;
    },
    onEvent(listener) {
      listeners.add(listener);
      unsubscribe ??= transport.subscribe(deliver, () => {
        // After a lost stream, a fresh snapshot tells the truth about what changed meanwhile.
        void api.call('app.snapshot', {}).then((snapshot) => deliver({ type: 'snapshot', snapshot }), () => undefined);
      });
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          unsubscribe?.();
          unsubscribe = undefined;
        }
      };
    },
  };
  return api;
}

/** Electron: `window.postern`, exposed by electron/preload.ts. */
export function preloadTransport(bridge: PreloadBridge): Transport {
  return { invoke: (method, params) => bridge.invoke(method, params), subscribe: (listener) => bridge.subscribe(listener) };
}

/** Browser mode: POST /api/call with the token, events over SSE. */
export function bridgeTransport(token: string, base = ''): Transport {
  return {
    invoke: async (method, params) => {
      const response = await fetch(`${base}/api/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-postern-token': token },
        body: JSON.stringify({ method, params }),
      });
      return await response.json() as CallEnvelope;
    },
    subscribe: (listener, onReopen) => {
      const source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`);
      let opened = false;
      source.onopen = () => {
        if (opened) onReopen();
        opened = true;
      };
      source.onmessage = (message: MessageEvent<string>) => {
        try {
          listener(JSON.parse(message.data));
        } catch {
          // not JSON: not ours
        }
      };
      return () => source.close();
    },
  };
}

/** Picks the transport this page runs with. */
export function defaultTransport(): Transport {
  const bridge = (window as unknown as { postern?: PreloadBridge }).postern;
  if (bridge) return preloadTransport(bridge);
  return bridgeTransport(new URLSearchParams(location.search).get('token') ?? '');
}
