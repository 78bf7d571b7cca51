import * as z from 'zod';
import { AppliedTunnel, HelperEvent, RenegotiationCause, TunnelState, KILL_SWITCH_MODES, KillSwitchState, LEAK_CHECK_IDS, LeakCheckResult, LogLine, Prompt, SessionStatus, SetKillSwitchParams, Statistics } from '../../native-helper/api/index';

/**
 * The one API between the renderer and the main process (Electron IPC through the
 * preload, or the loopback bridge in browser mode). Defined once; main validates every
 * call's params and the renderer validates results and events.
 */

/** What the profile parser said, for the import verdict view (no secrets: core's summary is plain data). */
export const ProfileProblemView = z.object({
  line: z.number().int(), column: z.number().int().optional(), code: z.string(), severity: z.string(), message: z.string(), hint: z.string().optional(),
});
/**
 * At most this many problems cross to the window: the parser keeps as many (core/config
 * MAX_PROBLEMS; a test holds the two together), every error before any warning, and counts the rest.
 */
export const VERDICT_MAX_PROBLEMS = 200;
export const OutsideFileView = z.object({
  directive: z.string(), line: z.number().int(), path: z.string(),
  kind: z.enum(['certificate', 'secret']), status: z.enum(['found', 'missing', 'unreadable', 'not_read']),
});
export type OutsideFileView = z.infer<typeof OutsideFileView>;
export const ProfileVerdict = z.object({
  fileName: z.string(),
  suggestedName: z.string(),
  connectable: z.boolean(),
  problems: z.array(ProfileProblemView).max(VERDICT_MAX_PROBLEMS),
  /** Problems found beyond `problems`: counted, never listed ("and N more problems not shown"). */
  omittedProblems: z.number().int().nonnegative(),
  /**
   * Files the profile names outside its folder (electron/profiles/import-files.ts). Certificates
   * and keys (`found`) are read only when `profiles.import` carries their paths in `confirmedFiles`;
   * secrets (`not_read`) never are: the profile asks for them at connect.
   */
  outsideFiles: z.array(OutsideFileView).max(64).optional(),
  summary: z.object({
    remotes: z.array(z.string()), asks: z.array(z.string()), serverCheck: z.array(z.string()), controlChannel: z.string(),
    dataCiphers: z.array(z.string()), routing: z.array(z.string()),
    /** core's words for the device ('tun (IP packets)' / 'tap (Ethernet frames, …)'); absent from an app before TAP. */
    device: z.string().optional(),
    ignored: z.array(z.object({ directive: z.string(), line: z.number(), reason: z.string() })),
    refused: z.array(z.object({ directive: z.string(), line: z.number(), reason: z.string() })),
    /** Core's SummaryCaution: a code and its data; words.ts cautionText says it. */
    cautions: z.array(z.object({ code: z.string(), ciphers: z.array(z.string()).optional() })).optional(),
  }).nullable(),
});
export type ProfileVerdict = z.infer<typeof ProfileVerdict>;

export const ProfileEntry = z.object({
  id: z.string(),
  name: z.string(),
  remotes: z.array(z.string()),
  asks: z.array(z.string()),
  importedAtMs: z.number(),
  /** A username and password are saved (encrypted) for this profile. */
  hasSavedCredentials: z.boolean(),
  savedUsername: z.string().optional(),
});
export type ProfileEntry = z.infer<typeof ProfileEntry>;

export const HelperLinkState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connected'), helperVersion: z.string() }),
  z.object({ state: z.literal('connecting') }),
  z.object({
    state: z.literal('unavailable'), code: z.string(), message: z.string(), howToStart: z.string(),
    /** The kill switch was blocking when the helper went away: its rules stay in the kernel, so it still blocks. */
    killSwitchLeftBlocking: z.boolean().optional(),
  }),
]);
export type HelperLinkState = z.infer<typeof HelperLinkState>;

/**
 * What quitting does while a VPN is up: `ask` (a dialog), `disconnect` first, or `keep` it up
 * (the helper owns the tunnel; the next start shows it). Optional: older settings files lack it.
 */
export const QuitWhileConnected = z.enum(['ask', 'disconnect', 'keep']);
export type QuitWhileConnected = z.infer<typeof QuitWhileConnected>;
export const Settings = z.object({
  launchAtLogin: z.boolean(), notifications: z.boolean(), quitWhileConnected: QuitWhileConnected.optional(),
  /** The profile (its id) to connect when Postern starts; null or absent: none. */
  connectAtStart: z.string().max(64).nullable().optional(),
});
export type Settings = z.infer<typeof Settings>;

/**
 * Why "remember my password" is not offered; the window words each one (renderer/src/remember-text.ts).
 * - `no_keyring`: Linux safeStorage fell back to basic_text, a key built into Chromium: no real protection.
 * - `keyring_unknown`: safeStorage named no keyring Postern knows.
 * - `encryption_unavailable`: the OS says it cannot encrypt now (keychain locked or not running).
 * - `browser_mode`: the app runs without Electron (the loopback bridge), so there is no safeStorage at all.
 */
export const RememberUnavailableReason = z.enum(['no_keyring', 'keyring_unknown', 'encryption_unavailable', 'browser_mode']);
export type RememberUnavailableReason = z.infer<typeof RememberUnavailableReason>;

/**
 * The story of a connection (electron/history/connection-timeline.ts): each phase of the way
 * up with when it began (ms since connect was asked for) and how long it took (null while it
 * lasts), each reconnect with its cause's code and how long the tunnel was gone, and each
 * renegotiation (new keys, the tunnel stays up) with who started it and how long it took: the
 * last TIMELINE_MAX_RENEGOTIATIONS of them, with the whole count beside.
 */
export const TimelinePhase = z.object({ state: TunnelState, startMs: z.number().nonnegative(), durationMs: z.number().nonnegative().nullable() });
export type TimelinePhase = z.infer<typeof TimelinePhase>;
export const TimelineReconnect = z.object({ atMs: z.number().nonnegative(), code: z.string().max(100), tookMs: z.number().nonnegative() });
export type TimelineReconnect = z.infer<typeof TimelineReconnect>;
export const TimelineRenegotiation = z.object({ atMs: z.number().nonnegative(), keyId: z.number().int().min(0).max(7), cause: RenegotiationCause, tookMs: z.number().nonnegative() });
export type TimelineRenegotiation = z.infer<typeof TimelineRenegotiation>;
export const TIMELINE_MAX_PHASES = 40;
export const TIMELINE_MAX_RECONNECTS = 50;
export const TIMELINE_MAX_RENEGOTIATIONS = 50;
export const ConnectionTimeline = z.object({
  sessionId: z.string().max(64),
  profileName: z.string().max(200),
  /** Wall clock, when connect was asked for. */
  startedAtMs: z.number().nonnegative(),
  connectedAtMs: z.number().nonnegative().nullable(),
  phases: z.array(TimelinePhase).max(TIMELINE_MAX_PHASES),
  reconnects: z.array(TimelineReconnect).max(TIMELINE_MAX_RECONNECTS),
  renegotiations: z.array(TimelineRenegotiation).max(TIMELINE_MAX_RENEGOTIATIONS),
  /** Every renegotiation of the connection, also those no longer in the list. */
  renegotiationCount: z.number().int().nonnegative(),
});
export type ConnectionTimeline = z.infer<typeof ConnectionTimeline>;

/**
 * One connection that ended, as the History view tells it: when, how long it was up, bytes
 * each way, and how it ended (`endCode` null: the person disconnected; else the error's code,
 * for the words table). Nothing secret: no address the server pushed, no answer, no text.
 */
export const PastConnection = z.object({
  profileName: z.string().max(200),
  startedAtMs: z.number().nonnegative(),
  /** How long the tunnel was up (0 when it never came up). */
  connectedForMs: z.number().nonnegative(),
  endedAtMs: z.number().nonnegative(),
  bytesIn: z.number().nonnegative(),
  bytesOut: z.number().nonnegative(),
  reconnects: z.number().int().nonnegative(),
  /** How often its keys were renewed (optional: entries written before it was counted have none). */
  renegotiations: z.number().int().nonnegative().optional(),
  endCode: z.string().max(100).nullable(),
  /** Its timeline: the phases of the way up, the reconnects and the last renegotiations (optional: kept for diagnostics, shown on demand). */
  story: ConnectionTimeline.pick({ phases: true, reconnects: true }).extend({ renegotiations: ConnectionTimeline.shape.renegotiations.optional() }).optional(),
});
export type PastConnection = z.infer<typeof PastConnection>;
export const HISTORY_MAX_ENTRIES = 20;

/** Everything the window shows, sent whole on subscribe and after each change. */
export const AppSnapshot = z.object({
  helper: HelperLinkState,
  profiles: z.array(ProfileEntry),
  session: SessionStatus.nullable(),
  settings: Settings,
  /** Saving a password needs a real OS keyring behind Electron safeStorage; without one "remember" is hidden. */
  rememberAvailable: z.boolean(),
  /** Why not, whenever rememberAvailable is false (optional so a snapshot without it still parses). */
  rememberUnavailableReason: RememberUnavailableReason.optional(),
  /**
   * The machine's kill switch as the running helper holds it (mode, allow-LAN, DNS leak
   * protection, and whether it blocks right now); null while no helper answers, or when the
   * helper has none (older than protocol 1.2). Optional so a snapshot without it still parses.
   */
  killSwitch: KillSwitchState.nullable().optional(),
  /** Start at login works only in the packaged app (Electron's login items); hidden in browser mode. Optional so older snapshots parse. */
  launchAtLoginAvailable: z.boolean().optional(),
  /** The current (or last) connection's timeline, while the app has seen one; optional so older snapshots parse. */
  timeline: ConnectionTimeline.nullable().optional(),
  /** The last connections that ended, newest first. */
  history: z.array(PastConnection).max(HISTORY_MAX_ENTRIES).optional(),
});
export type AppSnapshot = z.infer<typeof AppSnapshot>;

/**
 * A profile the window read. `path`: where the file is, when the window knows it (Electron's
 * preload, for a dropped or picked file); main grants its folder only when that file holds `text`.
 */
const ProfileFile = z.object({ fileName: z.string().min(1).max(255), text: z.string().max(512 * 1024), path: z.string().min(1).max(4096).optional() });
const Empty = z.object({}).strict();

export const APP_METHODS = {
  'app.snapshot': { params: Empty, result: AppSnapshot },
  'profiles.preview': { params: ProfileFile, result: ProfileVerdict },
  /**
   * Saves a previewed profile. `confirmedFiles`: the paths of the verdict's outside certificates and
   * keys the user confirmed; main checks them against its own preview of the same text and reads
   * nothing outside the folder without them (profiles.files_not_confirmed).
   */
  'profiles.import': {
    params: ProfileFile.extend({ name: z.string().min(1).max(200), confirmedFiles: z.array(z.string().max(4096)).max(64).optional() }),
    result: ProfileEntry,
  },
  'profiles.rename': { params: z.object({ id: z.string(), name: z.string().min(1).max(200) }), result: ProfileEntry },
  'profiles.delete': { params: z.object({ id: z.string() }), result: Empty },
  'profiles.forgetCredentials': { params: z.object({ id: z.string() }), result: Empty },
  'tunnel.connect': { params: z.object({ profileId: z.string() }), result: Empty },
  'tunnel.disconnect': { params: Empty, result: Empty },
  'auth.answer': {
    params: z.object({
      promptId: z.string(), username: z.string().max(512).optional(), password: z.string().max(4096).optional(),
      response: z.string().max(4096).optional(), remember: z.boolean().optional(),
    }),
    result: Empty,
  },
  'auth.cancel': { params: z.object({ promptId: z.string() }), result: Empty },
  /** Opens an http(s) URL of a web-auth prompt in the system browser; anything else is refused. */
  'auth.openUrl': { params: z.object({ promptId: z.string() }), result: Empty },
  'log.recent': { params: z.object({ limit: z.number().int().positive().max(5000).optional() }), result: z.object({ lines: z.array(LogLine) }) },
  'settings.update': { params: Settings.partial(), result: Settings },
  /** Changes the machine-wide kill switch through the helper; absent fields stay as they are. */
  'killswitch.set': { params: SetKillSwitchParams, result: KillSwitchState },
  /**
   * Writes the diagnostics archive (the same as `postern diagnostics`, plus the app's timelines
   * and history) where the person chooses (Electron's save dialog) or, in browser mode, into the
   * app's data folder; `saved: false` when the dialog was cancelled.
   */
  'diagnostics.save': {
    params: Empty,
    result: z.discriminatedUnion('saved', [z.object({ saved: z.literal(true), path: z.string().max(4096), files: z.number().int() }), z.object({ saved: z.literal(false) })]),
  },
} as const;

export type AppMethod = keyof typeof APP_METHODS;
export type AppParams<M extends AppMethod> = z.infer<(typeof APP_METHODS)[M]['params']>;
export type AppResult<M extends AppMethod> = z.infer<(typeof APP_METHODS)[M]['result']>;

/**
 * Pushed to the renderer: a fresh snapshot, a helper event (stats, log, prompts…) as it happens,
 * or a profile file opened from outside the window (Open with Postern, the command line, a second
 * start): main read it and previewed it, the window shows the import verdict (or why it could not).
 */
export const AppEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), snapshot: AppSnapshot }),
  /** The timeline or the history changed (a phase, a reconnect, an end): sent alone, as snapshots are larger. */
  z.object({ type: z.literal('story'), timeline: ConnectionTimeline.nullable(), history: z.array(PastConnection).max(HISTORY_MAX_ENTRIES) }),
  z.object({ type: z.literal('helper'), event: HelperEvent }),
  z.object({ type: z.literal('open_profile'), file: ProfileFile.required({ path: true }), verdict: ProfileVerdict }),
  z.object({ type: z.literal('open_profile_failed'), fileName: z.string().max(255), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type AppEvent = z.infer<typeof AppEvent>;

/** The renderer's view of main; implemented by the preload (Electron) and by the bridge client (browser mode). */
export interface AppApi {
  call<M extends AppMethod>(method: M, params: AppParams<M>): Promise<AppResult<M>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
}

/** Errors crossing to the renderer carry a code; the renderer maps codes to words in one place. */
export class AppCallError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'AppCallError';
  }
}

export { AppliedTunnel, KILL_SWITCH_MODES, KillSwitchState, LEAK_CHECK_IDS, LeakCheckResult, LogLine, Prompt, SessionStatus, Statistics };

/** One call's answer, the same over Electron IPC and the browser bridge's POST /api/call. */
export type CallEnvelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * What the preload exposes as `window.postern` (contextBridge drops Error classes, so
 * answers cross as envelopes; the renderer turns them into an AppApi).
 */
export interface PreloadBridge {
  invoke(method: string, params: unknown): Promise<CallEnvelope>;
  subscribe(listener: (event: unknown) => void): () => void;
  /** Where a dropped or picked File is on disk ('' when it has no path); Electron only. */
  pathForFile?(file: File): string;
}
