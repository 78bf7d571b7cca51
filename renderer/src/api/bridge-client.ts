import type { CallEnvelope } from '../../../electron/api/app-api';
import type { Transport } from './transport';

/** The few browser pieces the bridge client needs; injected so tests run in Node. */
export interface BridgeEnvironment {
  fetch(url: string, init: RequestInit): Promise<{ json(): Promise<unknown> }>;
  EventSource: new (url: string) => EventSourceLike;
}

export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent<string>) => void) | null;
  close(): void;
}

export interface BridgeRequest {
  url: string;
  init: { method: 'POST'; headers: Record<string, string>; body: string };
}

/** POST /api/call with the token in a header (never in a URL the server might log). */
export function bridgeCallRequest(token: string, method: string, params: unknown, base = ''): BridgeRequest {
  return {
    url: `${base}/api/call`,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-postern-token': token },
      body: JSON.stringify({ method, params }),
    },
  };
}

/** EventSource cannot send headers, so the events stream takes the token in its query. */
export function bridgeEventsUrl(token: string, base = ''): string {
  return `${base}/api/events?token=${encodeURIComponent(token)}`;
}

/** The page's `?token=` (the bridge puts it in the URL it opens). */
export function tokenFromSearch(search: string): string {
  return new URLSearchParams(search).get('token') ?? '';
}

/**
 * Browser mode: calls over fetch, events over Server-Sent Events. The bridge answers
 * every call, refusals included, with a JSON envelope; anything else is "unreachable".
 * EventSource reconnects by itself; each reopen after the first asks for a resync. A
 * stream that never opened is not reported lost: the calls say why (a wrong token, say).
 */
export function bridgeTransport(token: string, env: BridgeEnvironment, base = ''): Transport {
  return {
    invoke: async (method, params) => {
      const request = bridgeCallRequest(token, method, params, base);
      const response = await env.fetch(request.url, request.init);
      return await response.json() as CallEnvelope;
    },
    subscribe: (listener, onReopen, onLost) => {
      const source = new env.EventSource(bridgeEventsUrl(token, base));
      let opened = false;
      let lost = false;
      source.onopen = () => {
        if (opened) onReopen();
        opened = true;
        lost = false;
      };
      source.onerror = () => {
        // Fired again on every failed retry: report the loss once.
        if (!opened || lost) return;
        lost = true;
        onLost();
      };
      source.onmessage = (message) => {
        let event: unknown;
        try {
          event = JSON.parse(message.data);
        } catch {
          return; // not JSON: not an event of ours
        }
        listener(event);
      };
      return () => source.close();
    },
  };
}
