import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectedInfo, Counters, SessionEndCode, SessionPhase, VpnClientEvents } from '../../core/index';
import type { HelperEvent, Prompt } from '../api/index';
import { tunnelConfigFixture } from '../netconfig/tunnel-config-fixture';
import { MemoryTunDevice } from '../tun/tun-memory';
import type { TunDeviceOptions } from '../tun/index';
import type { ClientPort } from './client-port';
import type { NetworkPort, NetworkRequest } from './network-port';
import { TunnelController } from './tunnel-controller';

// The tunnel supervisor without a server: a stand-in client the test drives through the
// same hooks core's VpnClient calls, the in-memory TUN device, and a network port that
// records what it was asked. Each test is a row of events → the phases the window sees.

class FakeClient implements ClientPort {
  readonly sent: Buffer[] = [];
  openPrompt: Prompt | undefined;
  counters = undefined;
  stops = 0;
  networkChanges = 0;
  #finish: () => void = () => {};
  readonly #done = new Promise<void>((resolve) => { this.#finish = resolve; });

  constructor(readonly hooks: VpnClientEvents) {}

  start(): Promise<void> { return this.#done; }
  async stop(): Promise<void> {
    this.stops++;
    this.hooks.onStopped({ code: 'user.disconnect', message: 'Disconnected.', fatal: true });
    this.#finish();
  }
  /** The client ends by itself (a fatal error), as VpnClient does: onStopped, then start() resolves. */
  end(code: SessionEndCode, message: string): void {
    this.hooks.onStopped({ code, message, fatal: true });
    this.#finish();
  }
  sendPacket(packet: Buffer): void { this.sent.push(Buffer.from(packet)); }
  networkChanged(): void { this.networkChanges++; }
  readonly wakes: number[] = [];
  woke(sleptMs: number, _gap?: 'slept' | 'stalled'): void { this.wakes.push(sleptMs); }
  answerPrompt(): ReturnType<ClientPort['answerPrompt']> { return { ok: true, value: undefined }; }
  cancelPrompt(): ReturnType<ClientPort['cancelPrompt']> { return { ok: true, value: undefined }; }
  phase(phase: SessionPhase, detail?: string): void {
    this.hooks.onPhase({ phase, sinceStartMs: 0, previousPhaseMs: 0, ...(detail === undefined ? {} : { detail }) });
  }
}

class FakeNetwork implements NetworkPort {
  readonly applied: NetworkRequest[] = [];
  undone = 0;
  failWith: { code: string; message: string } | undefined;
  async apply(request: NetworkRequest): ReturnType<NetworkPort['apply']> {
    this.applied.push(request);
    if (this.failWith) return { ok: false, error: this.failWith };
    return { ok: true, value: { routes: ['10.8.0.0/24 via tun'], dnsServers: [], searchDomains: [], redirectGateway: false } };
  }
  async undo(): Promise<void> { this.undone++; }
}

interface Rig {
  controller: TunnelController;
  client: FakeClient;
  network: FakeNetwork;
  tuns: MemoryTunDevice[];
  events: HelperEvent[];
  /** The states the window was told, in order. */
  states(): string[];
}

function rig(extra: Partial<ConstructorParameters<typeof TunnelController>[0]> = {}): Rig {
  const events: HelperEvent[] = [];
  const tuns: MemoryTunDevice[] = [];
  const network = new FakeNetwork();
  let client: FakeClient | undefined;
  const controller = new TunnelController({
    sessionId: 's1', profileName: 'work', clientOptions: {} as never, defaultMtuBytes: 1500,
    openTun: (options) => { const tun = new MemoryTunDevice({ name: `memtun${tuns.length}`, mtuBytes: options.mtuBytes }); tuns.push(tun); return tun; },
    network, emit: (event) => events.push(event),
    createClient: (_options, hooks) => { client = new FakeClient(hooks); return client; },
    ...extra,
  });
  return {
    controller, network, tuns, events, client: client as unknown as FakeClient,
    states: () => events.flatMap((event) => (event.type === 'state' ? [event.state] : [])),
  };
}

function connectedInfo(overrides: Partial<ConnectedInfo['config']> = {}): ConnectedInfo {
  return {
    config: tunnelConfigFixture({ ifconfig: { local: '10.8.0.2', netmask: '255.255.255.0' }, tunMtuBytes: 1400, ...overrides } as never),
    cipher: 'AES-256-GCM', keyDerivation: 'tls-ekm', tlsVersion: 'TLSv1.3',
    remote: { host: 'vpn.example', address: '192.0.2.1', port: 1194, proto: 'udp', family: 4 },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('negotiating → configuring → connected: one TUN device with the pushed MTU, traffic both ways, a reason on every state', async () => {
  const { controller, client, network, tuns, events, states } = rig();
  const ended = controller.run();
  for (const phase of ['resolving', 'connecting', 'tls_handshake', 'authenticating', 'pulling_config'] as const) client.phase(phase);
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.deepEqual(states(), ['resolving', 'connecting', 'tls_handshake', 'authenticating', 'pulling_config', 'configuring', 'connected']);
  assert.equal(tuns.length, 1);
  assert.equal(tuns[0]?.mtuBytes, 1400);
  assert.equal(network.applied.length, 1);
  assert.equal(controller.status().tunnel?.ipv4, '10.8.0.2');
  tuns[0]?.inject(Buffer.from([0x45, 1, 2, 3]));
  assert.equal(client.sent.length, 1, 'a packet from the OS goes to the client');
  client.hooks.onPacket(Buffer.from([0x45, 9]));
  assert.equal(tuns[0]?.written.length, 1, 'a packet from the server goes to the OS');
  for (const event of events) if (event.type === 'state') assert.ok(event.reason?.code, `${event.state} carries a reason`);
  await controller.stop();
  assert.deepEqual((await ended), { code: 'user.disconnect', message: 'Disconnected.', requested: true });
});

test('a tap push opens a tap device: the device type goes from the config to openTun, frames pass both ways as they are', async () => {
  const opened: TunDeviceOptions[] = [];
  const { controller, client, tuns } = rig({
    openTun: (options) => { opened.push(options); const tun = new MemoryTunDevice({ name: 'tap0', mtuBytes: options.mtuBytes, device: options.device }); tuns.push(tun); return tun; },
  });
  const ended = controller.run();
  client.hooks.onConnected(connectedInfo({ device: 'tap', tunMtuBytes: undefined }));
  await settle();
  assert.deepEqual(opened, [{ name: undefined, mtuBytes: 1500, device: 'tap' }]);
  const arp = Buffer.concat([Buffer.alloc(12, 0xff), Buffer.from([0x08, 0x06]), Buffer.alloc(28)]);
  const fullFrame = Buffer.concat([Buffer.alloc(12, 2), Buffer.from([0x08, 0x00]), Buffer.alloc(1500, 0x45)]);
  tuns[0]?.inject([arp, fullFrame]);
  assert.deepEqual(client.sent, [arp, fullFrame], 'an ARP frame and a frame of MTU + header go to the client untouched');
  await controller.stop();
  await ended;
});

test('a reconnect with the same pushed configuration keeps the device and routes; a different one re-applies them', async () => {
  const { controller, client, network, tuns, states } = rig();
  void controller.run();
  client.hooks.onConnected(connectedInfo());
  await settle();
  client.phase('reconnecting', 'keepalive.timeout: The server stopped answering.');
  client.phase('connecting');
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.equal(tuns.length, 1);
  assert.equal(network.applied.length, 1);
  assert.equal(network.undone, 1, 'only the teardown before the first apply');
  assert.deepEqual(controller.status().lastError, { code: 'keepalive.timeout', message: 'The server stopped answering.' });
  client.hooks.onConnected(connectedInfo({ tunMtuBytes: 1300 } as never));
  await settle();
  assert.equal(tuns.length, 2, 'a new device for a new configuration');
  assert.equal(tuns[0]?.closed, true);
  assert.deepEqual(states(), ['configuring', 'connected', 'reconnecting', 'connecting', 'connected', 'configuring', 'connected']);
  await controller.stop();
});

test('every reconnect is told once it is up again: the first cause, and how long the tunnel was gone', async () => {
  const { controller, client, events } = rig();
  void controller.run();
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.equal(events.filter((event) => event.type === 'reconnected').length, 0, 'the first connect is not a reconnect');
  client.phase('reconnecting', 'server.restart: The server restarted.');
  client.phase('connecting');
  client.phase('reconnecting', 'session.ping_restart: No answer.'); // a second failure on the way back
  client.phase('tls_handshake');
  client.hooks.onConnected(connectedInfo());
  await settle();
  const told = events.filter((event) => event.type === 'reconnected');
  assert.equal(told.length, 1);
  assert.deepEqual(told[0]?.type === 'reconnected' && told[0].reason, { code: 'server.restart', message: 'The server restarted.' });
  assert.ok(told[0]?.type === 'reconnected' && told[0].tookMs >= 0);
  assert.ok(events.some((event) => event.type === 'log' && /reconnected in \d+\.\d s after server\.restart/.test(event.line.message)));
  client.phase('reconnecting', 'session.ping_restart: No answer.');
  client.hooks.onConnected(connectedInfo());
  await settle();
  const again = events.filter((event) => event.type === 'reconnected').at(-1);
  assert.equal(again?.type === 'reconnected' && again.reason.code, 'session.ping_restart', 'the next reconnect has its own cause');
  await controller.stop();
});

test('a renegotiation is an event (key id, cause, ms, when) and lands in the story with the phases and reconnects, for a late subscriber', async () => {
  const { controller, client, events } = rig();
  const ended = controller.run();
  for (const phase of ['resolving', 'connecting', 'tls_handshake'] as const) client.phase(phase);
  client.hooks.onConnected(connectedInfo());
  await settle();
  client.hooks.onRenegotiated?.({ keyId: 1, cause: 'server', tookMs: 42 });
  client.hooks.onRenegotiated?.({ keyId: 2, cause: 'reneg_sec', tookMs: 7 });
  const told = events.filter((event) => event.type === 'renegotiated');
  assert.equal(told.length, 2);
  const first = told[0];
  assert.ok(first?.type === 'renegotiated');
  assert.deepEqual({ ...first, atMs: 0 }, { type: 'renegotiated', sessionId: 's1', keyId: 1, cause: 'server', tookMs: 42, atMs: 0 });
  assert.ok(first.atMs > 1_600_000_000_000, 'atMs is the wall clock');
  client.phase('reconnecting', 'server.restart: The server restarted.');
  client.phase('connecting');
  client.hooks.onConnected(connectedInfo());
  await settle();

  const story = controller.status().story;
  assert.ok(story);
  // The first way up only: the reconnect's own phases are told by its reconnect.
  assert.deepEqual(story.phases.map((p) => p.state), ['resolving', 'connecting', 'tls_handshake', 'configuring', 'connected']);
  assert.ok(story.phases.slice(0, -1).every((p) => p.durationMs !== null), 'each phase that ended has its duration');
  assert.equal(story.phases.at(-1)?.durationMs, null, 'connected lasts');
  assert.deepEqual(story.reconnects.map((r) => r.code), ['server.restart']);
  assert.equal(story.reconnectCount, 1);
  assert.deepEqual(story.renegotiations.map((r) => [r.keyId, r.cause, r.tookMs]), [[1, 'server', 42], [2, 'reneg_sec', 7]]);
  assert.equal(story.renegotiationCount, 2);
  await controller.stop();
  await ended;
  assert.notEqual(controller.status().story?.phases.at(-1)?.durationMs, null, 'the end closes the last phase');
  client.hooks.onRenegotiated?.({ keyId: 3, cause: 'server', tookMs: 1 });
  assert.equal(events.filter((event) => event.type === 'renegotiated').length, 2, 'nothing after the end');
});

test('the story keeps the last 50 renegotiations and counts them all', async () => {
  const { controller, client } = rig();
  void controller.run();
  client.hooks.onConnected(connectedInfo());
  await settle();
  for (let i = 0; i < 130; i++) client.hooks.onRenegotiated?.({ keyId: (i % 7) + 1, cause: 'server', tookMs: i });
  const story = controller.status().story;
  assert.equal(story?.renegotiations.length, 50);
  assert.equal(story?.renegotiations[0]?.tookMs, 80, 'the oldest kept is the 81st');
  assert.equal(story?.renegotiationCount, 130);
  await controller.stop();
});

test('a network that cannot be applied stops the client rather than leak, and says why', async () => {
  const { controller, client, network, tuns, events } = rig();
  network.failWith = { code: 'netconfig.step_failed', message: 'route add failed' };
  const ended = controller.run();
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.equal(client.stops, 1);
  const end = await ended;
  assert.deepEqual(end, { code: 'netconfig.step_failed', message: 'route add failed', requested: false }, 'the local failure, not the stop it caused');
  assert.equal(tuns[0]?.closed, true);
  assert.ok(network.undone >= 1);
  const last = events.filter((event) => event.type === 'state').at(-1);
  assert.equal(last?.type === 'state' && last.error?.code, 'netconfig.step_failed');
  assert.deepEqual(controller.status().lastError, { code: 'netconfig.step_failed', message: 'route add failed' });
});

test("the user's disconnect is the reason, even when the client reports something else on its way out", async () => {
  const { controller, client, states, events } = rig();
  const ended = controller.run();
  client.phase('tls_handshake');
  const stopping = controller.stop();
  client.end('tls.handshake_failed', 'The TLS connection closed.');
  await stopping;
  assert.deepEqual(await ended, { code: 'user.disconnect', message: 'Disconnected.', requested: true });
  assert.deepEqual(states(), ['tls_handshake', 'disconnecting', 'disconnected']);
  assert.equal(events.some((event) => event.type === 'state' && event.error !== undefined), false, 'a requested disconnect is no error');
});

test('a fatal end of the client ends the tunnel with its code; phases after the end are ignored', async () => {
  const { controller, client, states } = rig();
  const ended = controller.run();
  client.phase('authenticating');
  client.end('auth.failed', 'Wrong username or password.');
  client.phase('connecting');
  assert.deepEqual(await ended, { code: 'auth.failed', message: 'Wrong username or password.', requested: false });
  assert.deepEqual(states(), ['authenticating', 'disconnecting', 'disconnected']);
});

test("the open question is read from the client's prompt box, not copied; an ended tunnel has none", async () => {
  const { controller, client, events } = rig();
  const ended = controller.run();
  const prompt: Prompt = { id: 'p1', kind: 'cr_text', text: 'Code?', echo: true, timeoutSeconds: 30, needs: { username: false, password: false, response: true } };
  client.openPrompt = prompt;
  client.hooks.onPrompt?.(prompt);
  assert.deepEqual(controller.status().prompt, prompt);
  assert.equal(events.at(-1)?.type, 'prompt');
  client.openPrompt = undefined;
  client.hooks.onPromptClosed?.('p1', 'answered');
  assert.equal(controller.status().prompt, null);
  client.openPrompt = prompt;
  await controller.stop();
  await ended;
  assert.equal(controller.status().prompt, null);
});

test('the path watch starts once connected, follows the server, tells the client of a change, and closes with the tunnel', async () => {
  const watched: string[] = [];
  let closed = 0;
  const hooksHeld: { fire?: (detail: string) => void } = {};
  const fire = (detail: string): void => hooksHeld.fire?.(detail);
  const { controller, client, events } = rig({
    watchPath: (hooks) => {
      hooksHeld.fire = hooks.onPathChanged;
      return { watch: (address) => { watched.push(address); }, close: () => { closed++; } };
    },
  });
  void controller.run();
  assert.ok(!hooksHeld.fire, 'nothing is watched before the tunnel is up');
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.deepEqual(watched, ['192.0.2.1']);
  fire('eth0 from 192.0.2.2 → eth0 from 192.0.2.3');
  assert.equal(client.networkChanges, 1);
  const logged = events.flatMap((e) => (e.type === 'log' ? [e.line.message] : []));
  assert.ok(logged.some((line) => line.startsWith('network.changed:') && line.includes('192.0.2.3')), 'the change is logged with its reason code');
  await controller.stop();
  assert.equal(closed, 1);
  fire('late');
  assert.equal(client.networkChanges, 1, 'a change after the end does nothing');
});

test('through a proxy, the proxy (first hop) keeps the original path and is the path watched, not the server', async () => {
  const watched: string[] = [];
  const { controller, client, network } = rig({ watchPath: () => ({ watch: (address) => { watched.push(address); }, close: () => undefined }) });
  void controller.run();
  const info = connectedInfo();
  client.hooks.onConnected({ ...info, remote: { ...info.remote, firstHop: { address: '2001:db8::1080', family: 6 } } });
  await settle();
  assert.equal(network.applied[0]?.serverAddress, '2001:db8::1080');
  assert.equal(network.applied[0]?.serverFamily, 6);
  assert.deepEqual(watched, ['2001:db8::1080']);
  assert.equal(controller.status().tunnel?.server.address, '192.0.2.1', 'the server is still who we are connected to');
  await controller.stop();
});

test('"connected" is told only once the firewall lets the tunnel through (tunnelReady), and not at all if the tunnel ended meanwhile', async () => {
  let release: (() => void) | undefined;
  const readied: string[] = [];
  const { controller, client, states } = rig({ tunnelReady: (tunnel) => { readied.push(tunnel.tunName); return new Promise<void>((resolve) => { release = resolve; }); } });
  void controller.run();
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.deepEqual(readied, ['memtun0']);
  assert.ok(!states().includes('connected'), 'not connected while the firewall is being readied');
  release?.();
  await settle();
  assert.equal(states().at(-1), 'connected');
  // A reconnect that keeps the device readies the firewall again before "connected".
  client.phase('reconnecting', 'keepalive.timeout: The server stopped answering.');
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.deepEqual(readied, ['memtun0', 'memtun0']);
  assert.equal(states().at(-1), 'reconnecting');
  release?.();
  await settle();
  assert.equal(states().at(-1), 'connected');
  await controller.stop();

  const second = rig({ tunnelReady: () => new Promise<void>((resolve) => { release = resolve; }) });
  void second.controller.run();
  second.client.hooks.onConnected(connectedInfo());
  await settle();
  const stopped = second.controller.stop();
  release?.();
  await stopped;
  assert.ok(!second.states().includes('connected'), 'a tunnel stopped while readied never says connected');
});

test('the sleep watch runs for the whole tunnel: a wake goes to the client, the app\'s resume asks the clocks, the end stops it', async () => {
  let onWake: ((sleptMs: number) => void) | undefined;
  const calls: string[] = [];
  const { controller, client, events } = rig({
    watchSleep: (wake) => {
      onWake = wake;
      return { start: () => calls.push('start'), check: () => calls.push('check'), stop: () => calls.push('stop') };
    },
  });
  void controller.run();
  assert.deepEqual(calls, ['start'], 'watching from the first moment: a laptop may sleep while connecting');
  onWake?.(90_000);
  assert.deepEqual(client.wakes, [90_000]);
  assert.ok(events.some((e) => e.type === 'log' && e.line.message === 'system.wake: the computer slept for 90 s'));
  controller.powerResumed();
  assert.deepEqual(calls, ['start', 'check']);
  await controller.stop();
  assert.deepEqual(calls, ['start', 'check', 'stop']);
  onWake?.(5_000);
  assert.deepEqual(client.wakes, [90_000], 'a wake after the end does nothing');
});

test('data plane: attached once connected, told of key changes, its counters in the stats; stopped on reconnect, attached again after, stopped at the end', async () => {
  const calls: string[] = [];
  const view = { settings: {}, keys: () => ({ nowMs: 0, keys: [] }) } as unknown as NonNullable<ReturnType<NonNullable<ClientPort['dataOffload']>>>;
  const plane = (n: number) => ({
    refreshKeys: () => calls.push(`keys ${n}`),
    tick: () => calls.push(`tick ${n}`),
    counters: (base: Counters) => ({ ...base, tunBytesIn: base.tunBytesIn + 1000, drops: { ...base.drops, 'data.replay': 2 } }),
    stats: () => { throw new Error('unused'); },
    close: () => calls.push(`close ${n}`),
  });
  let attached = 0;
  const { controller, client, events } = rig({
    statsIntervalMs: 5,
    attachDataPlane: (given, tun) => {
      assert.equal(given, view);
      calls.push(`attach ${tun.name}`);
      return plane(++attached);
    },
  });
  Object.assign(client, {
    dataOffload: () => view,
    counters: { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, tunBytesIn: 5, tunBytesOut: 0, decompressedPackets: 0, drops: {} },
  });
  const ended = controller.run();
  client.hooks.onConnected(connectedInfo());
  await settle();
  const lifecycle = (): string[] => calls.filter((call) => !call.startsWith('tick'));
  assert.deepEqual(lifecycle(), ['attach memtun0']);
  client.hooks.onDataKeysChanged?.();
  // The stats interval (5 ms) fires before this later timer: one sample has been taken.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(calls.includes('keys 1') && calls.includes('tick 1'));
  const stats = events.filter((event) => event.type === 'stats').at(-1);
  assert.ok(stats?.type === 'stats');
  assert.equal(stats.stats.drops['data.replay'], 2, 'the plane\'s drops are in the stats');
  calls.length = 0;
  client.phase('reconnecting', 'server.restart: The server restarted.');
  assert.deepEqual(lifecycle(), ['close 1'], 'stopped before the next session');
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.deepEqual(lifecycle(), ['close 1', 'attach memtun0'], 'the kept device gets a new plane');
  await controller.stop();
  await ended;
  assert.equal(lifecycle().at(-1), 'close 2');
});

test('data plane: a session it cannot take keeps core\'s path, and the log says why', async () => {
  const { controller, client, events } = rig({ attachDataPlane: () => ({ fallback: 'tcp' }) });
  Object.assign(client, { dataOffload: () => ({}) });
  const ended = controller.run();
  client.hooks.onConnected(connectedInfo());
  await settle();
  assert.ok(events.some((event) => event.type === 'log' && event.line.message === 'data path: core\'s (tcp)'));
  await controller.stop();
  await ended;
});
