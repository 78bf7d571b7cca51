import { AppCallError } from '../../../electron/api/app-api';
import type { AppApi, CallEnvelope, PreloadBridge } from '../../../electron/api/app-api';
import { appApiOver } from './app-api-over';
import { bridgeTransport, tokenFromSearch } from './bridge-client';
import type { BridgeEnvironment } from './bridge-client';
import type { Transport } from './transport';

/** What the page offers: `window` in the browser, a plain object in tests. */
export interface ApiHost {
  postern?: unknown;
  location?: { search: string };
  fetch?: BridgeEnvironment['fetch'];
  EventSource?: BridgeEnvironment['EventSource'];
}

/**
 * The one place that reads `window.postern`. Electron's preload exposes a PreloadBridge
 * (answers as envelopes, because contextBridge drops Error classes); an object that is
 * already an AppApi is accepted too. Without either, the page runs in browser mode and
 * talks to the loopback bridge with the `?token=` it was opened with.
 */
export function createAppApi(host: ApiHost = globalThis as ApiHost): AppApi {
  return appApiOver(pickTransport(host));
}

export function pickTransport(host: ApiHost): Transport {
  const exposed = host.postern;
  if (isPreloadBridge(exposed)) return { invoke: (method, params) => exposed.invoke(method, params), subscribe: (listener) => exposed.subscribe(listener) };
  if (isAppApi(exposed)) return appApiTransport(exposed);
  const fetchFn = host.fetch?.bind(host);
  const EventSourceClass = host.EventSource;
  if (!fetchFn || !EventSourceClass) throw new Error('createAppApi: no window.postern and no fetch/EventSource to reach the bridge');
  return bridgeTransport(tokenFromSearch(host.location?.search ?? ''), { fetch: fetchFn, EventSource: EventSourceClass });
}

/**
 * Where a dropped or picked file is on disk: Electron's preload knows (webUtils), a browser
 * never tells. Main uses it for the profile's folder (and checks it holds the same text).
 */
export function pathOfFile(file: File, host: ApiHost = globalThis as ApiHost): string | undefined {
  const exposed = host.postern as Partial<PreloadBridge> | undefined;
  if (typeof exposed?.pathForFile !== 'function') return undefined;
  try {
    const path = exposed.pathForFile(file);
    return path.length > 0 ? path : undefined;
  } catch {
    return undefined;
  }
}

function isPreloadBridge(value: unknown): value is PreloadBridge {
  const bridge = value as Partial<PreloadBridge> | undefined;
  return typeof bridge?.invoke === 'function' && typeof bridge.subscribe === 'function';
}

function isAppApi(value: unknown): value is AppApi {
  const api = value as Partial<AppApi> | undefined;
  return typeof api?.call === 'function' && typeof api.onEvent === 'function';
}

/** An AppApi seen as a transport, so its answers get the same validation as the others. */
function appApiTransport(api: AppApi): Transport {
  return {
    invoke: async (method, params): Promise<CallEnvelope> => {
      try {
        return { ok: true, result: await (api.call as (m: string, p: unknown) => Promise<unknown>)(method, params) };
      } catch (error) {
        const code = error instanceof AppCallError || hasCode(error) ? error.code : 'app.unreachable';
        return { ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } };
      }
    },
    subscribe: (listener) => api.onEvent(listener),
  };
}

function hasCode(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
