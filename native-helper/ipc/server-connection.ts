import type { Socket } from 'node:net';
import { FrameDecoder, HELPER_METHODS, HELPER_PROTOCOL_VERSION, RequestEnvelope, describeVersionMismatch, encodeFrame, isHelperMethod } from '../api/index';
import type { MethodParams } from '../api/index';
import type { FrameProblem, HelperEvent, HelperMethod, WireError } from '../api/index';
import type { Caller } from '../service/tunnel-backend';
import { describeIssues } from './describe-issues';
import { REQUEST_HANDLERS } from './request-handlers';
import type { HandlerContext, Reply } from './request-handlers';
import type { ServerLog } from './server-log';

export interface ConnectionLimits {
  /**
   * Above this many unsent bytes, stats and log events are dropped for this client and
   * its requests are not read until it catches up: replies cannot pile up either.
   */
  softBacklogBytes: number;
  /** Above this, the client is disconnected: it is not reading at all. */
  hardBacklogBytes: number;
  /** A connection must say hello within this time, so idle sockets do not hold slots. */
  helloTimeoutMs: number;
  /** A connection that has not subscribed is closed after this long without a request. */
  idleTimeoutMs: number;
}

const REFUSE_LINGER_MS = 2000;

/** Events a slow reader can miss without losing track of the tunnel; state and prompts never drop. */
const DROPPABLE: ReadonlySet<HelperEvent['type']> = new Set(['stats', 'log']);

/**
 * One client of the helper socket: reassembles its frames, insists on hello first,
 * validates each request (envelope, then the method's params), dispatches, and writes
 * the reply. Nothing a client sends can throw out of here or reach another client, and
 * a client that stops reading or stays silent gives its memory and its slot back.
 */
export class ServerConnection {
  #subscribed = false;
  #helloDone = false;
  #closed = false;
  #dropped = 0;
  /** Requests whose reply is not written yet: a long disconnect is not idleness. */
  #pending = 0;
  readonly #decoder: FrameDecoder;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: Socket,
    readonly caller: Caller,
    private readonly context: HandlerContext,
    private readonly limits: ConnectionLimits,
    private readonly log: ServerLog,
  ) {
    this.#decoder = new FrameDecoder((message) => this.#onMessage(message), (problem) => this.#onFrameProblem(problem));
    this.#armIdleTimer();
    socket.on('data', (chunk: Buffer) => this.#decoder.push(chunk));
    socket.on('drain', () => { if (!this.#closed) socket.resume(); });
    socket.on('error', (error) => this.log('debug', `client uid ${caller.uid}: ${error.message}`));
    socket.on('close', () => this.#onClose());
  }

  get subscribed(): boolean {
    return this.#subscribed;
  }

  /** Stats/log events not sent because this client read too slowly. */
  get droppedEvents(): number {
    return this.#dropped;
  }

  /** `frame` is the event already encoded once for every subscriber. */
  sendEvent(event: HelperEvent, frame: Uint8Array): void {
    if (this.#closed || !this.#subscribed) return;
    const backlog = this.socket.writableLength;
    if (backlog > this.limits.hardBacklogBytes) {
      this.log('warn', `client uid ${this.caller.uid} pid ${this.caller.pid} stopped reading (${backlog} bytes queued); disconnecting it`);
      this.close();
      return;
    }
    if (backlog > this.limits.softBacklogBytes && DROPPABLE.has(event.type)) {
      this.#dropped++;
      return;
    }
    if (this.#dropped > 0 && backlog <= this.limits.softBacklogBytes) this.#reportDrops();
    this.#write(frame);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    this.socket.destroy();
  }

  /**
   * Hello within helloTimeoutMs; after it, a connection without a subscription and
   * without a request in flight must ask something within idleTimeoutMs.
   */
  #armIdleTimer(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#closed || this.#subscribed || this.#pending > 0) return;
    const error: WireError = this.#helloDone
      ? { code: 'ipc.idle', message: `No request within ${this.limits.idleTimeoutMs} ms; closing the connection.` }
      : { code: 'ipc.hello_required', message: `No hello within ${this.limits.helloTimeoutMs} ms.` };
    this.#idleTimer = setTimeout(() => this.#refuse(error), this.#helloDone ? this.limits.idleTimeoutMs : this.limits.helloTimeoutMs);
    this.#idleTimer.unref();
  }

  /**
   * Every frame leaves through here. Past the soft backlog the client's requests are no
   * longer read (so a client that pipelines requests and never reads the replies holds at
   * most the soft backlog plus one read's worth); past the hard one it is disconnected.
   */
  #write(frame: Uint8Array): void {
    this.socket.write(frame);
    const backlog = this.socket.writableLength;
    if (backlog > this.limits.hardBacklogBytes) {
      this.log('warn', `client uid ${this.caller.uid} pid ${this.caller.pid} stopped reading (${backlog} bytes queued); disconnecting it`);
      this.close();
    } else if (backlog > this.limits.softBacklogBytes) {
      this.socket.pause();
    }
  }

  #reportDrops(): void {
    const message = `${this.#dropped} stats/log events were not sent to this client: it read too slowly`;
    this.#write(encodeFrame({ kind: 'event', event: { type: 'log', line: { atMs: Date.now(), level: 'warn', message } } }));
    this.log('info', `client uid ${this.caller.uid}: ${message}`);
  }

  #onMessage(message: unknown): void {
    if (this.#closed) return;
    this.#armIdleTimer();
    const request = RequestEnvelope.safeParse(message);
    if (!request.success) {
      this.#reply(idOf(message), { ok: false, error: { code: 'ipc.bad_request', message: `Not a request: ${describeIssues('request', request.error)}` } });
      return;
    }
    const { id, method, params } = request.data;
    if (!this.#helloDone && method !== 'hello') {
      this.#reply(id, { ok: false, error: { code: 'ipc.hello_required', message: 'The first request must be hello.' } });
      return;
    }
    if (!isHelperMethod(method)) {
      this.#reply(id, { ok: false, error: { code: 'ipc.unknown_method', message: `Unknown method ${JSON.stringify(method)}.` } });
      return;
    }
    const checked = HELPER_METHODS[method].params.safeParse(params ?? {});
    if (!checked.success) {
      this.#reply(id, { ok: false, error: { code: 'ipc.bad_request', message: `Bad parameters for ${method}: ${describeIssues('params', checked.error)}` } });
      return;
    }
    this.#dispatch(id, method, checked.data);
  }

  #dispatch(id: number, method: HelperMethod, params: unknown): void {
    if (method === 'hello' && !this.#acceptHello(id, params as MethodParams<'hello'>)) return;
    let outcome: Reply | Promise<Reply>;
    try {
      outcome = (REQUEST_HANDLERS[method] as (p: unknown, c: Caller, x: HandlerContext) => Reply | Promise<Reply>)(params, this.caller, this.context);
    } catch (error) {
      outcome = this.#internal(method, error);
    }
    if (outcome instanceof Promise) {
      this.#pending++;
      clearTimeout(this.#idleTimer);
      outcome.then((reply) => this.#replyChecked(id, method, reply), (error: unknown) => this.#reply(id, this.#internal(method, error))).finally(() => {
        this.#pending--;
        this.#armIdleTimer();
      });
    } else {
      this.#replyChecked(id, method, outcome);
    }
  }

  #acceptHello(id: number, params: MethodParams<'hello'>): boolean {
    if (params.protocolVersion.major !== HELPER_PROTOCOL_VERSION.major) {
      const message = describeVersionMismatch(
        { release: this.context.helperVersion, protocolMajor: HELPER_PROTOCOL_VERSION.major },
        { name: params.client, release: params.clientVersion, protocolMajor: params.protocolVersion.major },
      );
      this.log('warn', `refused a client of another version (uid ${this.caller.uid}): ${message}`);
      this.#refuse({ code: 'ipc.version_mismatch', message }, id);
      return false;
    }
    this.#helloDone = true;
    this.#armIdleTimer();
    return true;
  }

  /** Results are validated too: a backend bug must not leak fields (or secrets) to clients. */
  #replyChecked(id: number, method: HelperMethod, reply: Reply): void {
    if (reply.ok) {
      const result = HELPER_METHODS[method].result.safeParse(reply.result);
      if (!result.success) {
        this.log('error', `the ${method} result does not match its schema: ${describeIssues('result', result.error)}`);
        this.#reply(id, { ok: false, error: { code: 'internal', message: `The helper failed to answer ${method}.` } });
        return;
      }
      this.#reply(id, { ok: true, result: result.data });
    } else {
      this.#reply(id, reply);
    }
    // Flag after the reply is written: every event that follows reaches the client after its status.
    if (reply.ok && method === 'events.subscribe') {
      this.#subscribed = true;
      clearTimeout(this.#idleTimer);
    }
  }

  #internal(method: HelperMethod, error: unknown): Reply {
    this.log('error', `${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ok: false, error: { code: 'internal', message: `The helper failed to handle ${method}.` } };
  }

  #onFrameProblem(problem: FrameProblem): void {
    if (problem === 'ipc.frame_too_large') {
      // The decoder has stopped: the stream cannot be resynchronised.
      this.#refuse({ code: 'ipc.frame_too_large', message: 'A frame was larger than the limit; closing the connection.' });
      return;
    }
    this.#reply(null, { ok: false, error: { code: 'ipc.bad_frame', message: 'A frame was not UTF-8 JSON.' } });
  }

  /** Replies with an error and closes once it is flushed. */
  #refuse(error: WireError, id: number | null = null): void {
    if (this.#closed) return;
    this.#reply(id, { ok: false, error });
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    this.socket.end();
    // A client that never closes its side must not keep the slot.
    setTimeout(() => this.socket.destroy(), REFUSE_LINGER_MS).unref();
  }

  #reply(id: number | null, reply: Reply): void {
    if (this.#closed || !this.socket.writable) return;
    const envelope = reply.ok ? { kind: 'response', id, ok: true, result: reply.result } : { kind: 'response', id, ok: false, error: reply.error };
    this.#write(encodeFrame(envelope));
  }

  #onClose(): void {
    this.#closed = true;
    this.#subscribed = false;
    clearTimeout(this.#idleTimer);
  }
}

function idOf(message: unknown): number | null {
  if (typeof message !== 'object' || message === null || !('id' in message)) return null;
  const { id } = message as { id: unknown };
  return Number.isSafeInteger(id) && (id as number) >= 0 ? (id as number) : null;
}
