import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppCallError } from '../api/app-api';
import type { AppEvent } from '../api/app-api';
import { readStaticFile } from './static-files';

export interface BridgeController {
  call(method: string, params: unknown): Promise<unknown>;
  onEvent(listener: (event: AppEvent) => void): () => void;
  snapshot(): unknown;
}

export interface WebBridgeOptions {
  controller: BridgeController;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  port?: number;
}

export interface WebBridge {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;
export const BRIDGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Browser mode (development and tests, never in a packaged build): the renderer over
 * HTTP on 127.0.0.1 and the same controller Electron's IPC would call. A random token in
 * the URL guards the API; the Host header must be ours (no DNS rebinding) and an Origin,
 * when sent, must be ours too (no other page on this machine can drive the VPN).
 */
export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const token = randomBytes(24).toString('base64url');
  const server = createServer((request, response) => {
    void handle(request, response).catch(() => send(response, 500, { ok: false, error: { code: 'internal', message: 'The bridge failed.' } }));
  });
  const streams = new Set<ServerResponse>();
  let origin = '';

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    if (request.headers.host !== new URL(origin).host) return send(response, 421, { ok: false, error: { code: 'bridge.wrong_host', message: 'Wrong host.' } });
    if (url.pathname === '/api/call') return apiCall(request, response);
    if (url.pathname === '/api/events') return events(request, response, url);
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { ok: false, error: { code: 'bridge.method', message: 'Method not allowed.' } });
    const file = await readStaticFile(options.staticDir, url.pathname);
    if (!file) return send(response, 404, { ok: false, error: { code: 'bridge.not_found', message: 'Not found.' } });
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.contentType });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  function allowed(request: IncomingMessage, presented: string | undefined): boolean {
    const sentOrigin = request.headers.origin;
    return (sentOrigin === undefined || sentOrigin === origin) && presented !== undefined && sameSecret(presented, token);
  }

  async function apiCall(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return send(response, 405, { ok: false, error: { code: 'bridge.method', message: 'POST only.' } });
    if (!allowed(request, header(request, 'x-postern-token'))) return send(response, 403, { ok: false, error: { code: 'bridge.forbidden', message: 'Wrong token or origin.' } });
    const body = await readBody(request);
    let message: { method?: unknown; params?: unknown };
    try {
      message = JSON.parse(body ?? '') as typeof message;
    } catch {
      return send(response, 400, { ok: false, error: { code: 'bridge.bad_json', message: 'The body is not JSON (or is too large).' } });
    }
    if (typeof message.method !== 'string') return send(response, 400, { ok: false, error: { code: 'bridge.bad_request', message: 'A method is needed.' } });
    try {
      send(response, 200, { ok: true, result: await options.controller.call(message.method, message.params) });
    } catch (error) {
      if (error instanceof AppCallError) return send(response, 200, { ok: false, error: { code: error.code, message: error.message } });
      send(response, 500, { ok: false, error: { code: 'internal', message: 'Something went wrong in the app.' } });
    }
  }

  function events(request: IncomingMessage, response: ServerResponse, url: URL): void {
    if (!allowed(request, url.searchParams.get('token') ?? undefined)) return send(response, 403, { ok: false, error: { code: 'bridge.forbidden', message: 'Wrong token or origin.' } });
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    const write = (event: AppEvent): void => { response.write(`data: ${JSON.stringify(event)}\n\n`); };
    write({ type: 'snapshot', snapshot: options.controller.snapshot() } as AppEvent);
    const unsubscribe = options.controller.onEvent(write);
    const heartbeat = setInterval(() => response.write(': still here\n\n'), HEARTBEAT_MS);
    streams.add(response);
    response.on('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
      streams.delete(response);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    port,
    close: () => new Promise((resolve) => {
      for (const stream of streams) stream.end();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

const SECURITY_HEADERS = {
  'content-security-policy': BRIDGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(undefined));
  });
}
