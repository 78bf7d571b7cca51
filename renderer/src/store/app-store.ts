import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { AppCallError } from '../../../electron/api/app-api';
import type { AppApi, AppEvent, AppSnapshot, LogLine, Prompt, ProfileVerdict, Settings, Statistics } from '../../../electron/api/app-api';
import { errorText } from '../error-text';
import { addSample } from './stats-ring';
import type { StatsSample } from './stats-ring';

const LOG_LIMIT = 1000;

export interface ShownError { code: string; text: string; detail: string }
export interface PendingImport { fileName: string; text: string; verdict: ProfileVerdict }
export interface Answer { username?: string; password?: string; response?: string; remember?: boolean }

/** Slices: profiles (+ import), connection (snapshot/session), prompt, stats, log, settings. */
export interface AppState {
  snapshot: AppSnapshot | null;
  pendingImport: PendingImport | null;
  prompt: Prompt | null;
  samples: StatsSample[];
  /** The latest figures (totals, keepalive round trip), every second while connected. */
  stats: Statistics | null;
  log: LogLine[];
  error: ShownError | null;
  /** The last state change in words, for the aria-live region. */
  announcement: string;
  start(): () => void;
  preview(fileName: string, text: string): Promise<void>;
  confirmImport(name: string): Promise<boolean>;
  cancelImport(): void;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
  forgetCredentials(id: string): Promise<void>;
  connect(profileId: string): Promise<void>;
  disconnect(): Promise<void>;
  answer(answer: Answer): Promise<void>;
  cancelPrompt(): Promise<void>;
  openUrl(): Promise<void>;
  loadLog(): Promise<void>;
  updateSettings(change: Partial<Settings>): Promise<void>;
  dismissError(): void;
}

export type AppStore = StoreApi<AppState>;

const STATE_WORDS: Record<string, string> = {
  resolving: 'Looking up the server', connecting: 'Connecting', tls_handshake: 'Checking the server', authenticating: 'Signing in',
  auth_pending: 'Waiting for sign-in to finish', pulling_config: 'Getting network settings', configuring: 'Setting up the tunnel',
  connected: 'Connected', reconnecting: 'Reconnecting', disconnecting: 'Disconnecting', disconnected: 'Disconnected',
};

export function stateWords(state: string): string {
  return STATE_WORDS[state] ?? state;
}

/** The whole window's state around an injected AppApi, so tests build it with a fake one. */
export function createAppStore(api: AppApi, now: () => number = Date.now): AppStore {
  return createStore<AppState>()((set, get) => {
    const fail = (error: unknown): void => {
      const code = error instanceof AppCallError ? error.code : 'app.unreachable';
      const detail = error instanceof Error ? error.message : String(error);
      set({ error: { code, text: errorText(code, detail), detail } });
    };
    const attempt = async (work: () => Promise<unknown>): Promise<boolean> => {
      try {
        await work();
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    };
    const onEvent = (event: AppEvent): void => {
      if (event.type === 'snapshot') {
        set({ snapshot: event.snapshot, prompt: event.snapshot.session?.prompt ?? get().prompt });
        return;
      }
      const helperEvent = event.event;
      switch (helperEvent.type) {
        case 'stats':
          set({ samples: addSample(get().samples, helperEvent.stats, now()), stats: helperEvent.stats });
          return;
        case 'log':
          set({ log: [...get().log, helperEvent.line].slice(-LOG_LIMIT) });
          return;
        case 'prompt':
          set({ prompt: helperEvent.prompt, announcement: `The server asks: ${helperEvent.prompt.kind === 'web_auth' ? 'sign in with your browser' : helperEvent.prompt.text}` });
          return;
        case 'prompt_closed':
          if (get().prompt?.id === helperEvent.promptId) set({ prompt: null });
          return;
        case 'state': {
          const failed = helperEvent.error;
          set({ announcement: failed ? `Connection failed: ${errorText(failed.code, failed.message)}` : stateWords(helperEvent.state) });
          if (failed) set({ error: { code: failed.code, text: errorText(failed.code, failed.message), detail: failed.message } });
          if (helperEvent.state === 'connecting' && get().samples.length > 0) set({ samples: [], stats: null });
          return;
        }
        default:
          return;
      }
    };
    return {
      snapshot: null, pendingImport: null, prompt: null, samples: [], stats: null, log: [], error: null, announcement: '',
      start: () => {
        const stop = api.onEvent(onEvent);
        void attempt(async () => onEvent({ type: 'snapshot', snapshot: await api.call('app.snapshot', {}) }));
        void get().loadLog();
        return stop;
      },
      preview: async (fileName, text) => {
        await attempt(async () => set({ pendingImport: { fileName, text, verdict: await api.call('profiles.preview', { fileName, text }) }, error: null }));
      },
      confirmImport: async (name) => {
        const pending = get().pendingImport;
        if (!pending) return false;
        const done = await attempt(() => api.call('profiles.import', { fileName: pending.fileName, text: pending.text, name }));
        if (done) set({ pendingImport: null, announcement: `Imported ${name}` });
        return done;
      },
      cancelImport: () => set({ pendingImport: null }),
      rename: async (id, name) => { await attempt(() => api.call('profiles.rename', { id, name })); },
      remove: async (id) => { await attempt(() => api.call('profiles.delete', { id })); },
      forgetCredentials: async (id) => { await attempt(() => api.call('profiles.forgetCredentials', { id })); },
      connect: async (profileId) => {
        set({ error: null, samples: [], stats: null });
        await attempt(() => api.call('tunnel.connect', { profileId }));
      },
      disconnect: async () => { await attempt(() => api.call('tunnel.disconnect', {})); },
      answer: async (answer) => {
        const prompt = get().prompt;
        if (!prompt) return;
        await attempt(() => api.call('auth.answer', { promptId: prompt.id, ...answer }));
      },
      cancelPrompt: async () => {
        const prompt = get().prompt;
        if (!prompt) return;
        set({ prompt: null });
        await attempt(() => api.call('auth.cancel', { promptId: prompt.id }));
      },
      openUrl: async () => {
        const prompt = get().prompt;
        if (prompt) await attempt(() => api.call('auth.openUrl', { promptId: prompt.id }));
      },
      loadLog: async () => {
        try {
          set({ log: (await api.call('log.recent', { limit: LOG_LIMIT })).lines });
        } catch {
          // no helper yet: the banner says so
        }
      },
      updateSettings: async (change) => { await attempt(() => api.call('settings.update', change)); },
      dismissError: () => set({ error: null }),
    };
  });
}
