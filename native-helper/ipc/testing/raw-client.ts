import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { FrameDecoder, HELPER_PROTOCOL_VERSION, encodeFrame } from '../../api/index';

/**
 * A client that speaks frames but nothing else: tests use it to send what a well-behaved
 * client never would (no hello, broken JSON, oversize frames) and to read raw replies.
 */
export class RawClient {
  readonly messages: unknown[] = [];
  readonly closed: Promise<void>;
  #waiters: Array<() => void> = [];
  #nextId = 1;

  private constructor(readonly socket: Socket) {
    const decoder = new FrameDecoder((message) => {
      this.messages.push(message);
      for (const wake of this.#waiters.splice(0)) wake();
    }, () => {});
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(socketPath: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(method: string, params?: unknown): number {
    const id = this.#nextId++;
    this.socket.write(encodeFrame({ id, method, params }));
    return id;
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Sends and waits for the reply carrying the same id. */
  async request(method: string, params?: unknown): Promise<Record<string, unknown>> {
    const id = this.send(method, params);
    return this.waitFor((m) => m.id === id);
  }

  async hello(): Promise<Record<string, unknown>> {
    return this.request('hello', { protocolVersion: HELPER_PROTOCOL_VERSION, client: 'raw-test' });
  }

  /** The first message (already received or still to come) that matches; fails after timeoutMs. */
  async waitFor(match: (message: Record<string, unknown>) => boolean, timeoutMs = 2000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => match(m as Record<string, unknown>));
      if (found !== undefined) return found as Record<string, unknown>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
