import { createConnection, type Socket } from 'node:net';
import { EventEmitter, once } from 'node:events';

/**
 * A real-time message of the OpenVPN management interface (doc/management-notes.txt).
 * `>CLIENT:CONNECT|REAUTH|ESTABLISHED|DISCONNECT|CR_RESPONSE,…` are followed by
 * `>CLIENT:ENV,name=value` lines up to `>CLIENT:ENV,END` and arrive as one `client` event;
 * `>CLIENT:ADDRESS,…` has no ENV block. Every other `>TYPE:text` line is a `notification`.
 */
export type ManagementEvent =
  | { kind: 'client'; type: string; cid: number; kid: number | undefined; args: string[]; env: Record<string, string> }
  | { kind: 'notification'; type: string; text: string };

type ClientEvent = Extract<ManagementEvent, { kind: 'client' }>;

interface PendingCommand {
  line: string;
  body: readonly string[] | undefined;
  lines: string[];
  resolve: (lines: string[]) => void;
  reject: (error: Error) => void;
}

/**
 * A small async client of the server's management socket (a unix socket: reachable from
 * the root namespace). Commands run one at a time; a reply is a single `SUCCESS:`/`ERROR:`
 * line or several lines closed by `END`.
 */
export class ManagementClient {
  /** Every event received so far, oldest first (pass `events.length` as `since` to wait for new ones). */
  readonly events: ManagementEvent[] = [];
  readonly #socket: Socket;
  readonly #emitter = new EventEmitter();
  readonly #queue: PendingCommand[] = [];
  #partial = '';
  #building: ClientEvent | undefined;
  #closed: Error | undefined;
  #greeted = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', (error) => this.#onClose(error));
    socket.on('close', () => this.#onClose(new Error('management socket closed')));
  }

  /**
   * Starts connecting and returns at once; commands queue until the `>INFO:` greeting.
   * OpenVPN serves one management client at a time: a second one waits for the first to go.
   */
  static open(socketPath: string, timeoutMs = 5_000): ManagementClient {
    const client = new ManagementClient(createConnection(socketPath));
    client.ready = client.waitForEvent((e) => e.kind === 'notification' && e.type === 'INFO', timeoutMs).then(
      () => undefined,
      (error: Error) => {
        client.#socket.destroy();
        throw new Error(`management: no greeting from ${socketPath} (${error.message}); is another client connected?`);
      });
    client.ready.catch(() => undefined); // reported through commands and connect()
    return client;
  }

  /** Connects and waits for the `>INFO:` greeting. */
  static async connect(socketPath: string, timeoutMs = 5_000): Promise<ManagementClient> {
    const client = ManagementClient.open(socketPath, timeoutMs);
    await client.ready;
    return client;
  }

  /** Settles when the greeting has arrived (or the connection failed). */
  ready: Promise<void> = Promise.resolve();

  /** Sends one command (plus a multi-line body closed by END, for `client-auth`) and returns its reply lines. */
  command(line: string, options: { body?: readonly string[]; timeoutMs?: number } = {}): Promise<string[]> {
    if (/[\r\n]/.test(line) || options.body?.some((l) => /[\r\n]/.test(l))) throw new Error('management command lines must not contain line breaks');
    if (this.#closed) return Promise.reject(this.#closed);
    const timeoutMs = options.timeoutMs ?? 5_000;
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`management: no reply to "${line}" within ${timeoutMs} ms`)), timeoutMs);
      const done = <T>(f: (value: T) => void) => (value: T): void => { clearTimeout(timer); f(value); };
      this.#queue.push({ line, body: options.body, lines: [], resolve: done(resolve), reject: done(reject) });
      if (this.#queue.length === 1 && this.#greeted) this.#sendHead();
    });
  }

  /** Like `command`, but an `ERROR:` reply rejects. */
  async commandOk(line: string, options: { body?: readonly string[]; timeoutMs?: number } = {}): Promise<string[]> {
    const lines = await this.command(line, options);
    if (lines[0]?.startsWith('ERROR:')) throw new Error(`management: ${line} → ${lines[0]}`);
    return lines;
  }

  clientAuthNt(cid: number, kid: number): Promise<string[]> {
    return this.commandOk(`client-auth-nt ${cid} ${kid}`);
  }

  /** Authorises the client and hands the server per-client config lines (like a client-connect script). */
  clientAuth(cid: number, kid: number, configLines: readonly string[]): Promise<string[]> {
    return this.commandOk(`client-auth ${cid} ${kid}`, { body: configLines });
  }

  /** `reason` goes to the server log; `clientReason`, if given, to the client in AUTH_FAILED. */
  clientDeny(cid: number, kid: number, reason: string, clientReason?: string): Promise<string[]> {
    const args = [reason, ...(clientReason === undefined ? [] : [clientReason])].map(quoteArgument);
    return this.commandOk(`client-deny ${cid} ${kid} ${args.join(' ')}`);
  }

  /** Sends AUTH_PENDING to the client: `extra` such as `WEB_AUTH::https://…` or `CR_TEXT:E,R:Enter code`. */
  clientPendingAuth(cid: number, kid: number, extra: string, timeoutSeconds: number): Promise<string[]> {
    return this.commandOk(`client-pending-auth ${cid} ${kid} ${quoteArgument(extra)} ${timeoutSeconds}`);
  }

  /** Disconnects the client; `message` e.g. `HALT` or `RESTART` (default RESTART). */
  clientKill(cid: number, message?: string): Promise<string[]> {
    return this.commandOk(`client-kill ${cid}${message === undefined ? '' : ` ${quoteArgument(message)}`}`);
  }

  onEvent(listener: (event: ManagementEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }

  /** The first event at index ≥ `since` that matches, waiting up to `timeoutMs` for it. */
  waitForEvent(predicate: (event: ManagementEvent) => boolean, timeoutMs: number, since = 0): Promise<ManagementEvent> {
    const seen = this.events.slice(since).find(predicate);
    if (seen) return Promise.resolve(seen);
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const finish = (error: Error | undefined, event?: ManagementEvent): void => {
        clearTimeout(timer);
        unsubscribe();
        this.#emitter.off('closed', onClosed);
        if (error) reject(error); else resolve(event as ManagementEvent);
      };
      const timer = setTimeout(() => finish(new Error(`management: no matching event within ${timeoutMs} ms`)), timeoutMs);
      const unsubscribe = this.onEvent((event) => { if (predicate(event)) finish(undefined, event); });
      const onClosed = (error: Error): void => finish(error);
      this.#emitter.on('closed', onClosed);
    });
  }

  /** The next `>CLIENT:<type>` event (CONNECT, REAUTH, ESTABLISHED, …) at index ≥ `since`. */
  async waitForClientEvent(type: string, timeoutMs: number, since = 0): Promise<ClientEvent> {
    return await this.waitForEvent((e) => e.kind === 'client' && e.type === type, timeoutMs, since) as ClientEvent;
  }

  get isClosed(): boolean {
    return this.#closed !== undefined;
  }

  async close(): Promise<void> {
    if (this.#socket.destroyed) return;
    const closed = once(this.#socket, 'close');
    this.#socket.end();
    const timer = setTimeout(() => this.#socket.destroy(), 1_000);
    await closed;
    clearTimeout(timer);
  }

  #sendHead(): void {
    const head = this.#queue[0];
    if (!head) return;
    const body = head.body ? [...head.body, 'END'] : [];
    this.#socket.write([head.line, ...body].map((l) => `${l}\n`).join(''));
  }

  #onData(chunk: string): void {
    const text = this.#partial + chunk;
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const raw of lines) this.#onLine(raw.replace(/\r$/, ''));
  }

  #onLine(line: string): void {
    if (line.startsWith('>')) {
      this.#onRealtime(line.slice(1));
      return;
    }
    const head = this.#queue[0];
    if (!head) return; // unsolicited: nothing to attach it to
    // A command that timed out stays at the head and absorbs its late reply, keeping replies in step.
    head.lines.push(line);
    const single = head.lines.length === 1 && /^(SUCCESS|ERROR):/.test(line);
    if (single || line === 'END') {
      this.#queue.shift();
      head.resolve(head.lines);
      this.#sendHead();
    }
  }

  #onRealtime(line: string): void {
    const colon = line.indexOf(':');
    const type = colon < 0 ? line : line.slice(0, colon);
    const text = colon < 0 ? '' : line.slice(colon + 1);
    if (type !== 'CLIENT') {
      if (type === 'INFO' && !this.#greeted) {
        this.#greeted = true;
        this.#sendHead(); // commands queued while connecting
      }
      this.#emit({ kind: 'notification', type, text });
      return;
    }
    const [clientType = '', ...args] = text.split(',');
    if (clientType === 'ENV') {
      if (!this.#building) return;
      if (args[0] === 'END') {
        const event = this.#building;
        this.#building = undefined;
        this.#emit(event);
        return;
      }
      const pair = args.join(',');
      const equals = pair.indexOf('=');
      if (equals > 0) this.#building.env[pair.slice(0, equals)] = pair.slice(equals + 1);
      return;
    }
    const event: ClientEvent = {
      kind: 'client', type: clientType, cid: Number(args[0]),
      kid: clientType === 'ADDRESS' || args[1] === undefined ? undefined : Number(args[1]), args, env: {},
    };
    if (clientType === 'ADDRESS') this.#emit(event);
    else this.#building = event;
  }

  #emit(event: ManagementEvent): void {
    this.events.push(event);
    this.#emitter.emit('event', event);
  }

  #onClose(error: Error): void {
    if (this.#closed) return;
    this.#closed = error;
    for (const pending of this.#queue.splice(0)) pending.reject(error);
    this.#emitter.emit('closed', error);
  }
}

/** Quotes one argument the way the management parser reads it: "…" with \" and \\ escaped. */
export function quoteArgument(value: string): string {
  if (/^[A-Za-z0-9_.,:/=+@-]+$/.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
