import type { CallEnvelope } from '../../../electron/api/app-api';

/** How calls and events leave the window: Electron's preload, or the loopback bridge in browser mode. */
export interface Transport {
  invoke(method: string, params: unknown): Promise<CallEnvelope>;
  /**
   * `onLost` fires once when a working event stream drops; `onReopen` when it is back
   * (events may have been missed meanwhile). Electron's preload never loses its stream.
   */
  subscribe(listener: (event: unknown) => void, onReopen: () => void, onLost: () => void): () => void;
}
