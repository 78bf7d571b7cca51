import { EventEnvelope, ResponseEnvelope } from './envelope';
import type { HelperError } from './errors';
import type { HelperEvent } from './events';
import { FrameDecoder, encodeFrame } from './frames';
import type { FrameProblem } from './frames';
import { HELPER_METHODS } from './methods';
import type { HelperMethod, MethodParams, MethodResult } from './methods';
import { HELPER_PROTOCOL_VERSION, POSTERN_VERSION, describeVersionMismatch } from './version';

/** Whatever carries bytes to the helper: a node:net socket, an Electron utility port, a test pipe. */
export interface ByteTransport {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** Answers never throw: a helper error, a closed connection or a bad reply are all values. */
export type HelperCallResult<T> = { ok: true; value: T } | { ok: false; error: HelperError };

export interface HelperConnectionOptions {
  /** Bounds every call; undefined waits for as long as the connection lives (disconnect can take seconds). */
  callTimeoutMs?: number;
}

interface PendingCall {
  method: HelperMethod;
  settle: (result: HelperCallResult<unknown>) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type ClosedListener = (reason: HelperError | undefined) => void;

/**
 * The client side of the helper socket, without any I/O (like ssh2's Protocol): bytes
 * from the helper go in through `receive`, frames go out through the transport. Used
 * by the CLI (client/socket-client.ts binds it to node:net) and by electron main.
 *
 * Every reply is validated against the method's result schema and every event against
 * HelperEvent; events of kinds this client does not know (a newer helper) are skipped,
 * and extra fields are stripped, never fatal.
 */
export class HelperConnection {
  readonly #transport: ByteTransport;
  readonly #options: HelperConnectionOptions;
  readonly #decoder: FrameDecoder;
  readonly #pending = new Map<number, PendingCall>();
  readonly #eventListeners = new Set<(event: HelperEvent) => void>();
  readonly #closedListeners = new Set<ClosedListener>();
  #nextId = 1;
  #closed = false;
  /** The last error the helper sent without a request id (bad frame, oversize): why it may close us. */
  #unsolicitedError: HelperError | undefined;
  #skippedEvents = 0;

  constructor(transport: ByteTransport, options: HelperConnectionOptions = {}) {
    this.#transport = transport;
    this.#options = options;
    this.#decoder = new FrameDecoder((message) => this.#onMessage(message), (problem) => this.#onFrameProblem(problem));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Events the helper sent that this client could not validate (kept for diagnostics). */
  get skippedEvents(): number {
    return this.#skippedEvents;
  }

  /** Feed bytes read from the transport. */
  receive(chunk: Uint8Array): void {
    if (!this.#closed) this.#decoder.push(chunk);
  }

  /** The first call on a connection. Refuses a helper of another major version, naming what to update. */
  async hello(client: string): Promise<HelperCallResult<MethodResult<'hello'>>> {
    const result = await this.call('hello', { protocolVersion: { ...HELPER_PROTOCOL_VERSION }, client, clientVersion: POSTERN_VERSION });
    if (result.ok && result.value.protocolVersion.major !== HELPER_PROTOCOL_VERSION.major) {
      const error = {
        code: 'ipc.version_mismatch',
        message: describeVersionMismatch(
          { release: result.value.helperVersion, protocolMajor: result.value.protocolVersion.major },
          { name: client, release: POSTERN_VERSION, protocolMajor: HELPER_PROTOCOL_VERSION.major },
        ),
      };
      this.#finish(error);
      return { ok: false, error };
    }
    return result;
  }

  call<M extends HelperMethod>(method: M, params: MethodParams<M>): Promise<HelperCallResult<MethodResult<M>>> {
    if (this.#closed) return Promise.resolve({ ok: false, error: closedError(this.#unsolicitedError) });
    // Checked here too so our own mistakes show up at the caller, not as a helper error.
    const checked = HELPER_METHODS[method].params.safeParse(params);
    if (!checked.success) return Promise.resolve({ ok: false, error: { code: 'ipc.bad_request', message: `${method}: the parameters do not match the schema.` } });
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const settle = resolve as (result: HelperCallResult<unknown>) => void;
      const timeoutMs = this.#options.callTimeoutMs;
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.#pending.delete(id);
        settle({ ok: false, error: { code: 'ipc.timeout', message: `The helper did not answer ${method} within ${timeoutMs} ms.` } });
      }, timeoutMs);
      this.#pending.set(id, { method, settle, timer });
      this.#transport.write(encodeFrame({ id, method, params }));
    });
  }

  /** Every event the helper sends (after events.subscribe). Returns an unsubscribe. */
  onEvent(listener: (event: HelperEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Called once when the connection ends; the reason is the helper's last error, if it sent one. */
  onClosed(listener: ClosedListener): () => void {
    this.#closedListeners.add(listener);
    return () => this.#closedListeners.delete(listener);
  }

  /** The transport tells us the stream ended (or failed). */
  transportClosed(error?: HelperError): void {
    this.#finish(error ?? this.#unsolicitedError);
  }

  close(): void {
    this.#finish(undefined);
  }

  #onMessage(message: unknown): void {
    const response = ResponseEnvelope.safeParse(message);
    if (response.success) {
      this.#onResponse(response.data);
      return;
    }
    const event = EventEnvelope.safeParse(message);
    if (!event.success) {
      this.#skippedEvents++;
      return;
    }
    for (const listener of [...this.#eventListeners]) listener(event.data.event);
  }

  #onResponse(response: ResponseEnvelope): void {
    if (response.id === null) {
      if (!response.ok) this.#unsolicitedError = response.error;
      return;
    }
    const pending = this.#pending.get(response.id);
    if (pending === undefined) return;
    this.#pending.delete(response.id);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (!response.ok) {
      pending.settle({ ok: false, error: response.error });
      return;
    }
    const result = HELPER_METHODS[pending.method].result.safeParse(response.result);
    pending.settle(result.success
      ? { ok: true, value: result.data }
      : { ok: false, error: { code: 'ipc.bad_response', message: `The helper's answer to ${pending.method} does not match the schema.` } });
  }

  #onFrameProblem(problem: FrameProblem): void {
    // A helper that sends broken frames cannot be trusted to continue.
    this.#finish({ code: 'ipc.bad_response', message: `The helper sent an unreadable frame (${problem}).` });
  }

  #finish(reason: HelperError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
    for (const pending of this.#pending.values()) {
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      pending.settle({ ok: false, error: closedError(reason) });
    }
    this.#pending.clear();
    for (const listener of [...this.#closedListeners]) listener(reason);
    this.#closedListeners.clear();
    this.#eventListeners.clear();
  }
}

function closedError(reason: HelperError | undefined): HelperError {
  return reason ?? { code: 'ipc.closed', message: 'The connection to the helper is closed.' };
}
