import * as z from 'zod';

/**
 * Events the helper sends to subscribers (and what `postern connect --json` prints, one
 * per line). Defined once here; the helper validates before sending, clients after
 * receiving. Nothing secret is ever part of an event: no password, OTP, key or token.
 */

export const TUNNEL_STATES = [
  'idle', 'resolving', 'connecting', 'tls_handshake', 'authenticating', 'auth_pending', 'pulling_config',
  'configuring', 'connected', 'reconnecting', 'disconnecting', 'disconnected',
] as const;
export const TunnelState = z.enum(TUNNEL_STATES);
export type TunnelState = z.infer<typeof TunnelState>;

const SessionId = z.string().min(1).max(64);
const Name = z.string().max(64);
/**
 * 1.4: what a person needs beside the code to act on an error (core's SessionEndData); the
 * words tables (electron/api/words.ts, the CLI's printer) turn code and data into the sentence.
 */
export const ErrorData = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cipher'), serverCipher: Name.optional(), dataCiphers: z.array(Name).max(64), dataCiphersFallback: Name.optional() }),
  z.object({ kind: z.literal('provider'), provider: Name }),
  z.object({ kind: z.literal('legacy_cipher'), cipher: Name }),
]);
export type ErrorData = z.infer<typeof ErrorData>;
export const ErrorInfo = z.object({ code: z.string().max(100), message: z.string().max(2000), data: ErrorData.optional() });

export const StateEvent = z.object({
  type: z.literal('state'),
  sessionId: SessionId,
  profileName: z.string().max(200),
  state: TunnelState,
  /** Milliseconds since connect was asked for; the phase timings of the attempt. */
  sinceStartMs: z.number().nonnegative(),
  previousStateMs: z.number().nonnegative(),
  detail: z.string().max(2000).optional(),
  /** Why the session is in this state (every state change of a 1.1 helper carries one). */
  reason: ErrorInfo.optional(),
  /** Why the session stopped or is reconnecting, when it is an error. */
  error: ErrorInfo.optional(),
});

export const AppliedTunnel = z.object({
  tunName: z.string().max(32),
  mtuBytes: z.number().int().positive(),
  ipv4: z.string().max(64).optional(),
  ipv6: z.string().max(64).optional(),
  routes: z.array(z.string().max(100)).max(10_000),
  dnsServers: z.array(z.string().max(64)).max(100),
  searchDomains: z.array(z.string().max(256)).max(100),
  redirectGateway: z.boolean(),
  server: z.object({ host: z.string().max(256), address: z.string().max(64), port: z.number().int(), proto: z.enum(['udp', 'tcp']) }),
  cipher: z.string().max(64),
  keyDerivation: z.enum(['tls-ekm', 'prf']),
  tlsVersion: z.string().max(32).nullable(),
  /** 1.2: whether the tunnel took the default route, per family (redirect-gateway, ::/0 or its halves). */
  carriesDefault: z.object({ ipv4: z.boolean(), ipv6: z.boolean() }).optional(),
});
export type AppliedTunnel = z.infer<typeof AppliedTunnel>;

export const TunnelEvent = z.object({ type: z.literal('tunnel'), sessionId: SessionId, tunnel: AppliedTunnel });

export const Statistics = z.object({
  bytesIn: z.number().nonnegative(),
  bytesOut: z.number().nonnegative(),
  packetsIn: z.number().nonnegative(),
  packetsOut: z.number().nonnegative(),
  /** Bytes per second over the last second, of tunnel payload (what the user moved). */
  rateInBps: z.number().nonnegative(),
  rateOutBps: z.number().nonnegative(),
  keepaliveRttMs: z.number().nonnegative().nullable(),
  drops: z.record(z.string().max(100), z.number().nonnegative()),
  connectedForMs: z.number().nonnegative(),
});
export type Statistics = z.infer<typeof Statistics>;

export const StatsEvent = z.object({ type: z.literal('stats'), sessionId: SessionId, stats: Statistics });

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LogLine = z.object({
  atMs: z.number().nonnegative(),
  level: z.enum(LOG_LEVELS),
  message: z.string().max(4000),
});
export type LogLine = z.infer<typeof LogLine>;

export const LogEvent = z.object({ type: z.literal('log'), sessionId: SessionId.optional(), line: LogLine });

export const PROMPT_KINDS = ['credentials', 'static_challenge', 'dynamic_challenge', 'cr_text', 'web_auth', 'proxy_credentials'] as const;
export const Prompt = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(PROMPT_KINDS),
  text: z.string().max(4000),
  echo: z.boolean(),
  url: z.string().max(8000).optional(),
  timeoutSeconds: z.number().nonnegative().nullable(),
  username: z.string().max(512).optional(),
  needs: z.object({ username: z.boolean(), password: z.boolean(), response: z.boolean() }),
});
export type Prompt = z.infer<typeof Prompt>;

export const PromptEvent = z.object({ type: z.literal('prompt'), sessionId: SessionId, prompt: Prompt });
export const PromptClosedEvent = z.object({
  type: z.literal('prompt_closed'),
  sessionId: SessionId,
  promptId: z.string().max(64),
  reason: z.enum(['answered', 'cancelled', 'expired', 'completed', 'superseded']),
});

/** A failure outside any session event (for example the helper could not open the TUN device). */
export const ErrorEvent = z.object({ type: z.literal('error'), sessionId: SessionId.optional(), code: z.string().max(100), message: z.string().max(2000) });

export const KILL_SWITCH_MODES = ['off', 'auto', 'always'] as const;
/** The machine-wide kill switch as the helper holds it, and whether the firewall blocks right now. */
export const KillSwitchState = z.object({
  mode: z.enum(KILL_SWITCH_MODES),
  allowLan: z.boolean(),
  dnsLeakProtection: z.boolean(),
  /** Everything but the tunnel (and the listed exceptions) is refused at this moment. */
  blocking: z.boolean(),
});
export type KillSwitchState = z.infer<typeof KillSwitchState>;
/** 1.2: the setting or the blocking state changed; sent to every subscriber (it is the machine's). */
export const KillSwitchEvent = KillSwitchState.extend({ type: z.literal('killswitch') });

export const LEAK_CHECK_IDS = ['default_route_v4', 'default_route_v6', 'dns_servers', 'dns_routes', 'ipv6', 'killswitch_rules'] as const;
export const LeakCheckItem = z.object({ id: z.enum(LEAK_CHECK_IDS), ok: z.boolean(), detail: z.string().max(2000) });
/** The leak self-test run after every connect and reconnect (service/leak-check.ts). */
export const LeakCheckResult = z.object({ ok: z.boolean(), atMs: z.number().nonnegative(), checks: z.array(LeakCheckItem).max(20) });
export type LeakCheckResult = z.infer<typeof LeakCheckResult>;
export type LeakCheckItem = z.infer<typeof LeakCheckItem>;
export const LeakCheckEvent = z.object({
  type: z.literal('leak_check'), sessionId: SessionId, ok: z.boolean(), atMs: z.number().nonnegative(), checks: z.array(LeakCheckItem).max(20),
});

/** 1.3: a tunnel that was up is up again: why it went (the first cause), and how long it was gone. */
export const ReconnectedEvent = z.object({ type: z.literal('reconnected'), sessionId: SessionId, reason: ErrorInfo, tookMs: z.number().nonnegative() });

/**
 * 1.5: who started a renegotiation (core's RenegotiationCause, repeated here as this folder may
 * not import core; codes-match.test.ts keeps the two equal): the server, or one of our limits on
 * the key: reneg-sec, reneg-bytes (or 64 MB for 64-bit-block ciphers), its packet-ids running out.
 */
export const RENEGOTIATION_CAUSES = ['server', 'reneg_sec', 'reneg_bytes', 'packet_ids'] as const;
export const RenegotiationCause = z.enum(RENEGOTIATION_CAUSES);
export type RenegotiationCause = z.infer<typeof RenegotiationCause>;
/** One completed renegotiation: the new key's id (1..7), who started it, how long from its soft reset to the new key, when (wall clock). */
export const Renegotiation = z.object({
  keyId: z.number().int().min(0).max(7),
  cause: RenegotiationCause,
  tookMs: z.number().nonnegative(),
  atMs: z.number().nonnegative(),
});
export type Renegotiation = z.infer<typeof Renegotiation>;
/**
 * 1.5: a renegotiation completed: new data-channel keys are in use, the tunnel never went down.
 * A client older than 1.5 skips it as it skips every event it does not know (helper-connection.ts).
 */
export const RenegotiatedEvent = Renegotiation.extend({ type: z.literal('renegotiated'), sessionId: SessionId });

export const STORY_MAX_PHASES = 40;
export const STORY_MAX_RECONNECTS = 50;
export const STORY_MAX_RENEGOTIATIONS = 50;
/**
 * 1.5: the story of the tunnel as the helper keeps it (tunnel/tunnel-story.ts), so a client that
 * subscribes while a tunnel is up can tell it from the start: each phase of the first way up
 * (ms since connect was asked for, how long; null while it lasts), the last reconnects (when,
 * why, how long the tunnel was gone) and the last renegotiations, each list bounded, with the
 * whole counts beside them.
 */
export const TunnelStory = z.object({
  phases: z.array(z.object({ state: TunnelState, startMs: z.number().nonnegative(), durationMs: z.number().nonnegative().nullable() })).max(STORY_MAX_PHASES),
  reconnects: z.array(z.object({ atMs: z.number().nonnegative(), code: z.string().max(100), tookMs: z.number().nonnegative() })).max(STORY_MAX_RECONNECTS),
  reconnectCount: z.number().int().nonnegative(),
  renegotiations: z.array(Renegotiation).max(STORY_MAX_RENEGOTIATIONS),
  renegotiationCount: z.number().int().nonnegative(),
});
export type TunnelStory = z.infer<typeof TunnelStory>;

export const HelperEvent = z.discriminatedUnion('type', [StateEvent, TunnelEvent, StatsEvent, LogEvent, PromptEvent, PromptClosedEvent, ErrorEvent, KillSwitchEvent, LeakCheckEvent, ReconnectedEvent, RenegotiatedEvent]);
export type HelperEvent = z.infer<typeof HelperEvent>;
export type StateEvent = z.infer<typeof StateEvent>;
export type StatsEvent = z.infer<typeof StatsEvent>;
export type PromptEvent = z.infer<typeof PromptEvent>;
export type KillSwitchEvent = z.infer<typeof KillSwitchEvent>;
export type LeakCheckEvent = z.infer<typeof LeakCheckEvent>;
export type RenegotiatedEvent = z.infer<typeof RenegotiatedEvent>;
