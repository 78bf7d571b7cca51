import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppCallError } from '../api/app-api';
import type { AppEvent } from '../api/app-api';
import { startWebBridge } from './web-bridge-server';

async function startFixture(t: { after(fn: () => Promise<void> | void): void }) {
  const staticDir = mkdtempSync(join(tmpdir(), 'postern-bridge-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Postern</title>');
  writeFileSync(join(staticDir, 'app.js'), 'console.log(1)');
  const listeners = new Set<(event: AppEvent) => void>();
  const controller = {
    call: async (method: string, params: unknown) => {
      if (method === 'boom') throw new AppCallError('profile.invalid', 'line 3: bad');
      return { echoed: { method, params } };
    },
    onEvent: (listener: (event: AppEvent) => void) => { listeners.add(listener); return () => listeners.delete(listener); },
    snapshot: () => ({ hello: 'snapshot' }),
  };
  const bridge = await startWebBridge({ controller, staticDir });
  t.after(async () => { await bridge.close(); rmSync(staticDir, { recursive: true, force: true }); });
  const token = new URL(bridge.url).searchParams.get('token') ?? '';
  return { bridge, token, listeners, base: `http://127.0.0.1:${bridge.port}` };
}

interface Reply { status: number; body: string; headers: Record<string, string | string[] | undefined> }

function http(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

test('the renderer is served with a strict CSP; paths outside it are not', async (t) => {
  const { base } = await startFixture(t);
  const index = await http(`${base}/`);
  assert.equal(index.status, 200);
  assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
  assert.equal((await http(`${base}/app.js`)).headers['content-type'], 'text/javascript; charset=utf-8');
  for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/missing.js']) assert.equal((await http(`${base}${path}`)).status, 404, path);
});

test('API calls need the token, our origin and our host; answers are envelopes with codes', async (t) => {
  const { base, token } = await startFixture(t);
  const call = (headers: Record<string, string>, body: string) => http(`${base}/api/call`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const good = await call({ 'x-postern-token': token, origin: base }, JSON.stringify({ method: 'app.snapshot', params: {} }));
  assert.deepEqual(JSON.parse(good.body), { ok: true, result: { echoed: { method: 'app.snapshot', params: {} } } });
  assert.equal((await call({ 'x-postern-token': 'wrong' }, '{"method":"x"}')).status, 403);
  assert.equal((await call({ 'x-postern-token': token, origin: 'http://evil.example' }, '{"method":"x"}')).status, 403);
  assert.equal((await call({ 'x-postern-token': token, host: 'evil.example' }, '{"method":"x"}')).status, 421);
  assert.equal((await call({ 'x-postern-token': token }, 'not json')).status, 400);
  assert.deepEqual(JSON.parse((await call({ 'x-postern-token': token }, '{"method":"boom"}')).body), { ok: false, error: { code: 'profile.invalid', message: 'line 3: bad' } });
});

test('the event stream starts with a snapshot and then carries every event', async (t) => {
  const { base, token, listeners } = await startFixture(t);
  assert.equal((await http(`${base}/api/events?token=wrong`)).status, 403);
  const received = await new Promise<string>((resolve, reject) => {
    const req = request(`${base}/api/events?token=${token}`, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('"snapshot":{"hello"') && listeners.size > 0 && !text.includes('"type":"helper"')) {
          for (const listener of listeners) listener({ type: 'helper', event: { type: 'log', line: { atMs: 1, level: 'info', message: 'hi' } } });
        }
        if (text.includes('"type":"helper"')) { req.destroy(); resolve(text); }
      });
    });
    req.on('error', reject);
    req.end();
  });
  const events = received.split('\n\n').filter((chunk) => chunk.startsWith('data: ')).map((chunk) => JSON.parse(chunk.slice(6)) as { type: string });
  assert.deepEqual(events.map((e) => e.type), ['snapshot', 'helper']);
});
