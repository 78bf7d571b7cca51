import * as z from 'zod';
import { AppliedTunnel, ErrorData, KILL_SWITCH_MODES, KillSwitchState, LeakCheckResult, LogLine, Prompt, Statistics, TunnelState, TunnelStory } from './events';

/**
 * The helper socket's methods: each with the schema of its params and of its result.
 * The server validates params before dispatching; clients validate results. Adding a
 * method is a minor version bump; changing one is a new method (style.md §2).
 */

const MAX_PROFILE_TEXT = 256 * 1024;

export const HelloParams = z.object({
  protocolVersion: z.object({ major: z.number().int(), minor: z.number().int() }),
  client: z.string().max(100),
  /** The client's Postern release (protocol 1.4), so a refusal can say which side to update. */
  clientVersion: z.string().max(50).optional(),
});
export const HelloResult = z.object({
  protocolVersion: z.object({ major: z.number().int(), minor: z.number().int() }),
  helperVersion: z.string().max(50),
  /** The caller's uid as the kernel reported it. */
  uid: z.number().int(),
});

/** A self-contained profile: every file it names already inlined (core's importProfile). */
export const ConnectParams = z.object({
  profile: z.object({ name: z.string().min(1).max(200), text: z.string().min(1).max(MAX_PROFILE_TEXT) }),
  credentials: z.object({ username: z.string().max(512), password: z.string().max(4096) }).optional(),
  keyPassphrase: z.string().max(4096).optional(),
});
export const ConnectResult = z.object({ sessionId: z.string() });

export const SessionStatus = z.object({
  sessionId: z.string(),
  profileName: z.string(),
  state: TunnelState,
  ownerUid: z.number().int(),
  startedAtMs: z.number(),
  connectedAtMs: z.number().nullable(),
  tunnel: AppliedTunnel.nullable(),
  stats: Statistics.nullable(),
  prompt: Prompt.nullable(),
  lastError: z.object({ code: z.string(), message: z.string(), data: ErrorData.optional() }).nullable(),
  /** 1.2: the last leak self-test of this session (after its latest connect or reconnect). */
  leakCheck: LeakCheckResult.nullable().optional(),
  /**
   * 1.5: the tunnel's story so far (phases of the way up, reconnects, renegotiations). A story
   * this client cannot read (a newer helper's cause, say) is left out, never failing the status.
   */
  story: TunnelStory.optional().catch(undefined),
});
export type SessionStatus = z.infer<typeof SessionStatus>;
export const StatusResult = z.object({ session: SessionStatus.nullable() });

export const AnswerPromptParams = z.object({
  promptId: z.string().min(1).max(64),
  username: z.string().max(512).optional(),
  password: z.string().max(4096).optional(),
  response: z.string().max(4096).optional(),
});
export const CancelPromptParams = z.object({ promptId: z.string().min(1).max(64) });
export const RecentLogParams = z.object({ limit: z.number().int().positive().max(5000).optional() });
export const RecentLogResult = z.object({ lines: z.array(LogLine) });
const Empty = z.object({}).strict();
/** 1.2: change the machine-wide kill switch; absent fields stay as they are. */
export const SetKillSwitchParams = z.object({
  mode: z.enum(KILL_SWITCH_MODES).optional(),
  allowLan: z.boolean().optional(),
  dnsLeakProtection: z.boolean().optional(),
}).strict();

export const HELPER_METHODS = {
  hello: { params: HelloParams, result: HelloResult },
  'tunnel.connect': { params: ConnectParams, result: ConnectResult },
  'tunnel.disconnect': { params: Empty, result: Empty },
  'tunnel.status': { params: Empty, result: StatusResult },
  'events.subscribe': { params: Empty, result: StatusResult },
  'auth.answer': { params: AnswerPromptParams, result: Empty },
  'auth.cancel': { params: CancelPromptParams, result: Empty },
  'log.recent': { params: RecentLogParams, result: RecentLogResult },
  'killswitch.get': { params: Empty, result: KillSwitchState },
  'killswitch.set': { params: SetKillSwitchParams, result: KillSwitchState },
  /** 1.3: the machine resumed from sleep (the desktop's powerMonitor). */
  'power.resumed': { params: Empty, result: Empty },
} as const;

export type HelperMethod = keyof typeof HELPER_METHODS;
export type MethodParams<M extends HelperMethod> = z.infer<(typeof HELPER_METHODS)[M]['params']>;
export type MethodResult<M extends HelperMethod> = z.infer<(typeof HELPER_METHODS)[M]['result']>;

export function isHelperMethod(name: string): name is HelperMethod {
  return Object.hasOwn(HELPER_METHODS, name);
}
