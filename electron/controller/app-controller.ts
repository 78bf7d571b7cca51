import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { APP_METHODS, AppCallError, HISTORY_MAX_ENTRIES } from '../api/app-api';
import type { AppEvent, AppMethod, AppParams, AppResult, AppSnapshot, ProfileEntry, ProfileVerdict } from '../api/app-api';
import type { HelperEvent, HelperMethod, MethodParams, MethodResult, Prompt } from '../../native-helper/api/index';
import type { CredentialStore, SavedCredentials } from '../credentials/credential-store';
import type { HelperLink } from '../helper/helper-link';
import { ERROR_WORDS } from '../api/words';
import { checkProfile } from '../profiles/profile-verdict';
import { folderOfProfileFile, readProfileFile } from '../profiles/profile-folder';
import type { ProfileStore, StoredProfile } from '../profiles/profile-store';
import type { SettingsStore } from '../settings/settings-store';
import { notificationFor } from './notifications';
import { buildAppDiagnostics, diagnosticsFileName, verdictInput } from '../diagnostics/app-diagnostics';
import type { ProfileInput } from '../../native-helper/client/diagnostics/report';
import { ConnectionRecorder } from '../history/connection-timeline';
import type { HistoryStore } from '../history/history-store';
import { writeFileAtomic } from '../profiles/atomic-file';

/** Previews remembered for profiles.import; a window previews one profile at a time. */
const MAX_PREVIEWS = 8;

function previewKey(fileName: string, text: string, folder: string | undefined): string {
  return createHash('sha256').update(fileName).update('\0').update(folder ?? '').update('\0').update(text).digest('hex');
}

/** What the controller needs of the helper link (HelperLink; a fake in tests). */
export type HelperPort = Pick<HelperLink, 'state' | 'session' | 'killSwitch' | 'call' | 'onEvent' | 'onChange'>;

export interface AppControllerDeps {
  profiles: ProfileStore;
  credentials: CredentialStore;
  settings: SettingsStore;
  helper: HelperPort;
  /** Opens an http(s) URL in the system browser (the caller has checked the scheme). */
  openExternal(url: string): void;
  notify?(title: string, body: string): void;
  setLaunchAtLogin?(enabled: boolean): void;
  /** Where ended connections are kept (history.json); without one the history lives in memory. */
  history?: Pick<HistoryStore, 'list' | 'add'>;
  /** Electron's save dialog for "Save diagnostics…": the path chosen, or undefined when cancelled. */
  chooseDiagnosticsPath?(defaultName: string): Promise<string | undefined>;
  /** Without a dialog (browser mode) the archive goes to <dataDir>/diagnostics/. */
  dataDir?: string;
  posternVersion?: string;
  nowMs?(): number;
}


type Handlers = { [M in AppMethod]: (params: AppParams<M>) => Promise<AppResult<M>> | AppResult<M> };

/**
 * Everything the window can ask of the main process, as plain code (no Electron): the
 * Electron IPC handler and the browser-mode bridge both call `call`, which validates the
 * params against the one schema in electron/api before anything runs.
 */
export class AppController {
  readonly #listeners = new Set<(event: AppEvent) => void>();
  readonly #handlers: Handlers;
  /** Credentials the user asked to remember, saved once the tunnel proves them right. */
  #toRemember: { profileId: string; credentials: SavedCredentials } | undefined;
  #connectingProfileId: string | undefined;
  /** The last previews: which certificates outside its folder each previewed text names (profiles.import checks against it). */
  readonly #previews = new Map<string, readonly string[]>();
  #usedSavedCredentials = false;
  readonly #history: Pick<HistoryStore, 'list' | 'add'>;
  readonly #recorder: ConnectionRecorder;
  /** The profile to connect once the helper answers, when Postern started (settings.connectAtStart); tried once. */
  #connectAtStart: string | undefined;

  constructor(private readonly deps: AppControllerDeps) {
    this.#handlers = this.#createHandlers();
    this.#history = deps.history ?? inMemoryHistory();
    this.#recorder = new ConnectionRecorder((past) => this.#history.add(past), deps.nowMs);
    deps.helper.onEvent((event) => this.#onHelperEvent(event));
    this.#connectAtStart = deps.settings.get().connectAtStart ?? undefined;
    deps.helper.onChange(() => {
      // A tunnel that was up before this app heard of it: its story so far is the helper's (1.5).
      this.#recorder.adopt(deps.helper.session);
      this.#emitSnapshot();
      this.#maybeConnectAtStart();
    });
  }

  async call(method: string, params: unknown): Promise<unknown> {
    if (!Object.hasOwn(APP_METHODS, method)) throw new AppCallError('app.unknown_method', `There is no method ${method}.`);
    const schema = APP_METHODS[method as AppMethod].params;
    const parsed = schema.safeParse(params ?? {});
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'params').join(', ');
      throw new AppCallError('app.bad_request', `Bad parameters for ${method}: ${fields}.`);
    }
    const handler = this.#handlers[method as AppMethod] as (p: unknown) => unknown;
    return handler(parsed.data);
  }

  /**
   * The OS said the machine resumed (Electron powerMonitor). Passed to the helper as a hint:
   * it measures the sleep on its own clocks and acts only on a real one. Best effort: an older
   * helper (ipc.unknown_method) or none at all changes nothing the helper's clocks do not.
   */
  async powerResumed(): Promise<void> {
    await this.deps.helper.call('power.resumed', {}).catch(() => undefined);
  }

  /**
   * A profile file opened from outside the window (the file manager's Open with Postern, the
   * command line, a second start): main reads it with the user's rights and previews it with its
   * folder, so the window's import verdict (and a later profiles.import of the same text and
   * path) is the same as for a dropped file. The event is for the window to show.
   */
  openProfileFile(path: string): Extract<AppEvent, { type: 'open_profile' | 'open_profile_failed' }> {
    const fileName = basename(path).slice(0, 255) || 'profile.ovpn';
    const read = readProfileFile(path);
    if (!read.ok) return { type: 'open_profile_failed', fileName, error: { code: read.code, message: ERROR_WORDS[read.code] } };
    const verdict = this.#preview(fileName, read.text, folderOfProfileFile(path, read.text));
    return { type: 'open_profile', file: { fileName, text: read.text, path }, verdict };
  }

  snapshot(): AppSnapshot {
    const remember = this.deps.credentials.support;
    return {
      helper: this.deps.helper.state,
      profiles: this.deps.profiles.list().map((profile) => this.#entry(profile)),
      session: this.deps.helper.session,
      settings: this.deps.settings.get(),
      rememberAvailable: remember.available,
      ...(remember.available ? {} : { rememberUnavailableReason: remember.reason }),
      killSwitch: this.deps.helper.killSwitch,
      launchAtLoginAvailable: this.deps.setLaunchAtLogin !== undefined,
      timeline: this.#recorder.timeline,
      history: this.#history.list(),
    };
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #createHandlers(): Handlers {
    const { profiles, credentials, settings } = this.deps;
    return {
      'app.snapshot': () => this.snapshot(),
      'profiles.preview': ({ fileName, text, path }) => this.#preview(fileName, text, folderOfProfileFile(path, text)),
      'profiles.import': ({ fileName, text, path, name, confirmedFiles }) => {
        const folder = folderOfProfileFile(path, text);
        return this.#changed(this.#entry(profiles.import(fileName, text, name, this.#confirmed(fileName, text, folder, confirmedFiles ?? []), folder)));
      },
      'profiles.rename': ({ id, name }) => this.#changed(this.#entry(profiles.rename(id, name))),
      'profiles.delete': ({ id }) => {
        profiles.delete(id);
        credentials.forget(id);
        if (settings.get().connectAtStart === id) settings.update({ connectAtStart: null });
        return this.#changed({});
      },
      'profiles.forgetCredentials': ({ id }) => {
        credentials.forget(id);
        return this.#changed({});
      },
      'tunnel.connect': ({ profileId }) => this.#connect(profileId),
      'tunnel.disconnect': async () => {
        await this.#helperCall('tunnel.disconnect', {});
        return {};
      },
      'auth.answer': ({ remember, ...answer }) => this.#answer(answer, remember ?? false),
      'auth.cancel': async ({ promptId }) => {
        await this.#helperCall('auth.cancel', { promptId });
        return {};
      },
      'auth.openUrl': ({ promptId }) => this.#openUrl(promptId),
      'log.recent': async ({ limit }) => this.#helperCall('log.recent', limit === undefined ? {} : { limit }),
      'settings.update': (change) => {
        const updated = settings.update(change);
        if (change.launchAtLogin !== undefined) this.deps.setLaunchAtLogin?.(change.launchAtLogin);
        return this.#changed(updated);
      },
      // The helper's `killswitch` event brings the new state to every window (and the tray)
      // before this answer; a refusal keeps its code for the window's words.
      'killswitch.set': (change) => this.#helperCall('killswitch.set', change),
      'diagnostics.save': () => this.#saveDiagnostics(),
    };
  }

  /**
   * The same archive as `postern diagnostics` plus the app's story and its profiles' verdicts,
   * written (0600, whole or not at all) where the person chose, or into the data folder.
   */
  async #saveDiagnostics(): Promise<AppResult<'diagnostics.save'>> {
    const createdAtMs = (this.deps.nowMs ?? Date.now)();
    const name = diagnosticsFileName(createdAtMs);
    let path: string;
    if (this.deps.chooseDiagnosticsPath) {
      const chosen = await this.deps.chooseDiagnosticsPath(name);
      if (chosen === undefined) return { saved: false };
      path = chosen;
    } else if (this.deps.dataDir !== undefined) {
      path = join(this.deps.dataDir, 'diagnostics', name);
    } else {
      throw new AppCallError('diagnostics.unwritable', 'There is no place to save the diagnostics.');
    }
    const link = this.deps.helper.state;
    const { archive, files } = await buildAppDiagnostics({
      createdAtMs, posternVersion: this.deps.posternVersion ?? 'unknown',
      helper: link.state === 'connected'
        ? { call: (method, params) => this.deps.helper.call(method, params), version: link.helperVersion }
        : { unavailable: link.state === 'unavailable' ? { code: link.code, message: link.message } : { code: 'ipc.helper_unavailable', message: 'The helper link was still connecting.' } },
      profiles: this.#profileVerdicts(),
      story: { timeline: this.#recorder.timeline, history: this.#history.list() },
    });
    try {
      writeFileAtomic(path, archive);
    } catch (error) {
      throw new AppCallError('diagnostics.unwritable', `Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    return { saved: true, path, files };
  }

  /** Each saved profile's verdict, parsed again from its stored text (the archive takes its codes and summary only). */
  #profileVerdicts(): ProfileInput[] {
    return this.deps.profiles.list().flatMap((profile) => {
      try {
        return [verdictInput(checkProfile(`${profile.name}.ovpn`, this.deps.profiles.text(profile.id)).verdict, profile.name)];
      } catch {
        return [];
      }
    });
  }

  #preview(fileName: string, text: string, folder: string | undefined): ProfileVerdict {
    const check = checkProfile(fileName, text, folder === undefined ? {} : { folder });
    const key = previewKey(fileName, text, folder);
    this.#previews.delete(key);
    this.#previews.set(key, check.outsideCertificates);
    while (this.#previews.size > MAX_PREVIEWS) this.#previews.delete(this.#previews.keys().next().value ?? key);
    return check.verdict;
  }

  /**
   * The outside certificates an import may read: exactly the ones this text's preview listed,
   * all of them, or none. Reading needs both the preview (the user saw the list) and the list
   * sent back (the user confirmed it); the store then refuses any it was not given.
   */
  #confirmed(fileName: string, text: string, folder: string | undefined, confirmedFiles: readonly string[]): ReadonlySet<string> {
    if (confirmedFiles.length === 0) return new Set();
    const listed = this.#previews.get(previewKey(fileName, text, folder));
    const same = listed !== undefined && listed.length === new Set(confirmedFiles).size && listed.every((path) => confirmedFiles.includes(path));
    if (!same) throw new AppCallError('profiles.files_not_confirmed', 'The files confirmed are not the ones the preview of this profile listed. Import it again.');
    return new Set(listed);
  }

  async #connect(profileId: string): Promise<Record<string, never>> {
    const profile = this.deps.profiles.get(profileId);
    const saved = this.deps.credentials.load(profileId);
    this.#connectingProfileId = profileId;
    this.#usedSavedCredentials = saved !== undefined;
    this.#toRemember = undefined;
    await this.#helperCall('tunnel.connect', { profile: { name: profile.name, text: this.deps.profiles.text(profileId) }, ...(saved ? { credentials: saved } : {}) });
    return {};
  }

  async #answer(answer: { promptId: string; username?: string; password?: string; response?: string }, remember: boolean): Promise<Record<string, never>> {
    const prompt = this.#currentPrompt();
    await this.#helperCall('auth.answer', answer);
    // Only a username and password are ever kept; one-time codes and challenge answers never.
    const rememberable = prompt?.id === answer.promptId && (prompt.kind === 'credentials' || prompt.kind === 'static_challenge');
    if (remember && rememberable && this.deps.credentials.support.available && this.#connectingProfileId && answer.password !== undefined) {
      const username = answer.username ?? prompt.username ?? '';
      this.#toRemember = { profileId: this.#connectingProfileId, credentials: { username, password: answer.password } };
    }
    return {};
  }

  #openUrl(promptId: string): Record<string, never> {
    const prompt = this.#currentPrompt();
    if (!prompt || prompt.id !== promptId || prompt.kind !== 'web_auth' || !prompt.url) {
      throw new AppCallError('auth.no_prompt', 'No web sign-in is waiting.');
    }
    // The URL comes from the VPN server: never hand the OS a file:, javascript: or custom-scheme link.
    if (!isWebUrl(prompt.url)) throw new AppCallError('auth.unsafe_url', 'Only http and https addresses are opened.');
    this.deps.openExternal(prompt.url);
    return {};
  }

  /** The helper link's copy of the session is the one place main keeps the open question. */
  #currentPrompt(): Prompt | undefined {
    return this.deps.helper.session?.prompt ?? undefined;
  }

  async #helperCall<M extends HelperMethod>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    const result = await this.deps.helper.call(method, params);
    if (!result.ok) throw new AppCallError(result.error.code, result.error.message);
    return result.value;
  }

  /**
   * Connect the chosen profile once, when the helper first answers with no tunnel up (one the
   * helper kept running across a restart of the app is left as it is). A failure shows as the
   * session's own events do.
   */
  #maybeConnectAtStart(): void {
    const profileId = this.#connectAtStart;
    if (profileId === undefined || this.deps.helper.state.state !== 'connected') return;
    this.#connectAtStart = undefined;
    if (this.deps.helper.session !== null || !this.deps.profiles.list().some((p) => p.id === profileId)) return;
    this.#connect(profileId).catch((error: unknown) => {
      if (error instanceof AppCallError) this.#emit({ type: 'helper', event: { type: 'error', code: error.code, message: error.message } });
    });
  }

  #onHelperEvent(event: HelperEvent): void {
    this.#emit({ type: 'helper', event });
    if (this.#recorder.onEvent(event)) this.#emit({ type: 'story', timeline: this.#recorder.timeline, history: this.#history.list() });
    if (event.type === 'state') this.#onState(event);
    if (this.deps.settings.get().notifications) {
      const note = notificationFor(event);
      if (note) this.deps.notify?.(note.title, note.body);
    }
  }

  #onState(event: Extract<HelperEvent, { type: 'state' }>): void {
    const profileId = this.#connectingProfileId;
    if (event.state === 'connected' && this.#toRemember) {
      this.deps.credentials.save(this.#toRemember.profileId, this.#toRemember.credentials);
      this.#toRemember = undefined;
      this.#emitSnapshot();
    }
    if (event.state === 'disconnected') {
      // Saved credentials the server refused are wrong now: forget them so the next connect asks.
      if (profileId && this.#usedSavedCredentials && event.error?.code.startsWith('auth.failed')) this.deps.credentials.forget(profileId);
      this.#toRemember = undefined;
      this.#usedSavedCredentials = false;
    }
  }

  #entry(profile: StoredProfile): ProfileEntry {
    const username = this.deps.credentials.usernameOf(profile.id);
    return {
      id: profile.id, name: profile.name, remotes: profile.remotes, asks: profile.asks, importedAtMs: profile.importedAtMs,
      hasSavedCredentials: username !== undefined, ...(username === undefined ? {} : { savedUsername: username }),
    };
  }

  #changed<T>(result: T): T {
    this.#emitSnapshot();
    return result;
  }

  #emitSnapshot(): void {
    this.#emit({ type: 'snapshot', snapshot: this.snapshot() });
  }

  #emit(event: AppEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

/** The controller with its dependencies; `call` and `onEvent` are what the IPC handler and the web bridge use. */
export function createAppController(deps: AppControllerDeps): AppController {
  return new AppController(deps);
}

/** The history of a controller without a data folder (tests): the newest first, twenty at most. */
function inMemoryHistory(): Pick<HistoryStore, 'list' | 'add'> {
  let entries: ReturnType<HistoryStore['list']> = [];
  return { list: () => [...entries], add: (entry) => { entries = [entry, ...entries].slice(0, HISTORY_MAX_ENTRIES); } };
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
