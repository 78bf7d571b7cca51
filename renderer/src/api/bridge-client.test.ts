import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeCallRequest, bridgeEventsUrl, bridgeTransport, tokenFromSearch } from './bridge-client';
import type { EventSourceLike } from './bridge-client';

test('a call is POST /api/call with the token header and a JSON body of method and params', () => {
  const request = bridgeCallRequest('tok', 'profiles.rename', { id: 'a', name: 'B' });
  assert.equal(request.url, '/api/call');
  assert.deepEqual(request.init, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-postern-token': 'tok' },
    body: '{"method":"profiles.rename","params":{"id":"a","name":"B"}}',
  });
  assert.equal(bridgeCallRequest('tok', 'app.snapshot', {}, 'http://127.0.0.1:5000').url, 'http://127.0.0.1:5000/api/call');
});

test('the events URL carries the token, escaped; the token comes from ?token=', () => {
  assert.equal(bridgeEventsUrl('a+b/c='), '/api/events?token=a%2Bb%2Fc%3D');
  assert.equal(tokenFromSearch('?token=a%2Bb&x=1'), 'a+b');
  assert.equal(tokenFromSearch(''), '');
});

test('the transport posts with fetch, parses SSE data, skips non-JSON, tells a loss once, and asks for a resync on reopen', async () => {
  const fetched: Array<{ url: string; init: RequestInit }> = [];
  const sources: FakeSource[] = [];
  class FakeSource implements EventSourceLike {
    onopen: ((event: Event) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent<string>) => void) | null = null;
    closed = false;
    constructor(readonly url: string) { sources.push(this); }
    close(): void { this.closed = true; }
  }
  const transport = bridgeTransport('t0k', {
    fetch: async (url, init) => { fetched.push({ url, init }); return { json: async () => ({ ok: true, result: { x: 1 } }) }; },
    EventSource: FakeSource,
  });
  assert.deepEqual(await transport.invoke('app.snapshot', {}), { ok: true, result: { x: 1 } });
  assert.equal((fetched[0]?.init.headers as Record<string, string>)['x-postern-token'], 't0k');

  const events: unknown[] = [];
  let reopens = 0;
  let losses = 0;
  const stop = transport.subscribe((event) => events.push(event), () => { reopens += 1; }, () => { losses += 1; });
  const source = sources[0];
  assert.ok(source);
  assert.equal(source.url, '/api/events?token=t0k');
  source.onerror?.({} as Event);
  assert.equal(losses, 0, 'a stream that never opened is not lost (the calls say why)');
  source.onopen?.({} as Event);
  source.onmessage?.({ data: '{"type":"snapshot"}' } as MessageEvent<string>);
  source.onmessage?.({ data: 'not json' } as MessageEvent<string>);
  assert.equal(reopens, 0, 'the first open is not a reopen');
  source.onerror?.({} as Event);
  source.onerror?.({} as Event);
  assert.equal(losses, 1, 'every failed retry fires error; the loss is told once');
  source.onopen?.({} as Event);
  assert.equal(reopens, 1);
  source.onerror?.({} as Event);
  assert.equal(losses, 2, 'lost again after the reopen');
  assert.deepEqual(events, [{ type: 'snapshot' }]);
  stop();
  assert.equal(source.closed, true);
});
