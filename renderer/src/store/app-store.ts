import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { AppApi, AppEvent, AppSnapshot } from '../../../electron/api/app-api';
import { LINK_LOST } from '../api/app-api-over';
import type { AppState, HelperEvent, SliceDeps } from './app-state';
import { createConnectionSlice } from './connection-slice';
import { createHelperSlice } from './helper-slice';
import { createKillSwitchSlice } from './kill-switch-slice';
import { createLogSlice } from './log-slice';
import { createNoticeSlice } from './notice-slice';
import { createProfilesSlice } from './profiles-slice';
import { createPromptSlice } from './prompt-slice';
import { createSettingsSlice } from './settings-slice';
import { createStatsSlice } from './stats-slice';
import { createStorySlice } from './story-slice';

export type AppStore = StoreApi<AppState>;

/**
 * The window's one store, built around an injected AppApi (tests pass a fake one; no
 * DOM needed). `start()` wires main's events in.
 */
export function createAppStore(api: AppApi, nowMs: () => number = Date.now): AppStore {
  const deps: SliceDeps = { api, nowMs };
  const store = createStore<AppState>()((...a) => ({
    ...createNoticeSlice(deps)(...a),
    ...createHelperSlice(deps)(...a),
    ...createSettingsSlice(deps)(...a),
    ...createKillSwitchSlice(deps)(...a),
    ...createProfilesSlice(deps)(...a),
    ...createConnectionSlice(deps)(...a),
    ...createPromptSlice(deps)(...a),
    ...createStatsSlice(deps)(...a),
    ...createLogSlice(deps)(...a),
    ...createStorySlice(deps)(...a),
    start: () => {
      // The first snapshot is fetched while events may already flow (over the bridge they
      // even travel another connection): whatever the events said since is newer.
      let snapshotSeen = false;
      let sessionSeen = false;
      let killSwitchSeen = false;
      const stop = api.onEvent((event) => {
        if (event.type === 'snapshot') snapshotSeen = true;
        else if (event.type !== 'helper') { /* an opened profile or the story: neither the session nor the kill switch */ }
        else if (event.event.type === 'killswitch') killSwitchSeen = true;
        else if (event.event.type !== 'log') sessionSeen = true;
        applyAppEvent(store, event);
      });
      void api.call('app.snapshot', {}).then(
        (snapshot) => { if (!snapshotSeen) applySnapshot(store, snapshot, { withSession: !sessionSeen, withKillSwitch: !killSwitchSeen }); },
        (error: unknown) => store.getState().fail(error),
      );
      void store.getState().loadLog();
      return stop;
    },
  }));
  return store;
}

/** Routes one event from main to the slices (module-level, as zustand suggests for outside input). */
export function applyAppEvent(store: AppStore, event: AppEvent): void {
  if (event.type === 'snapshot') applySnapshot(store, event.snapshot);
  else if (event.type === 'open_profile') store.getState().showImport({ ...event.file, verdict: event.verdict });
  else if (event.type === 'open_profile_failed') store.getState().showError(event.error.code, event.error.message);
  else if (event.type === 'story') store.getState().applyStory(event.timeline, event.history);
  else applyHelperEvent(store, event.event);
}

function applySnapshot(store: AppStore, snapshot: AppSnapshot, { withSession = true, withKillSwitch = true } = {}): void {
  const state = store.getState();
  // A snapshot got through, so the stream from main is back.
  if (state.error?.code === LINK_LOST) state.dismissError();
  state.applyHelper(snapshot);
  state.applySettings(snapshot.settings, snapshot.launchAtLoginAvailable ?? false);
  if (withKillSwitch) state.applyKillSwitch(snapshot.killSwitch ?? null);
  state.applyProfiles(snapshot.profiles);
  // The story changes with the session's events: a snapshot older than them must not undo it.
  if (!withSession) return;
  if (snapshot.history !== undefined) state.applyStory(snapshot.timeline ?? null, snapshot.history);
  state.applySession(snapshot.session);
  state.applySessionPrompt(snapshot.session);
}

function applyHelperEvent(store: AppStore, event: HelperEvent): void {
  const state = store.getState();
  switch (event.type) {
    case 'state':
      state.applyState(event);
      return;
    case 'tunnel':
      state.applyTunnel(event.sessionId, event.tunnel);
      return;
    case 'stats':
      state.applyStats(event.sessionId, event.stats);
      return;
    case 'log':
      state.appendLog(event.line);
      return;
    case 'prompt':
      state.applyPrompt(event.sessionId, event.prompt);
      return;
    case 'prompt_closed':
      state.closePrompt(event.sessionId, event.promptId);
      return;
    case 'error':
      state.showError(event.code, event.message);
      return;
    case 'reconnected':
      state.applyReconnected(event);
      return;
    case 'killswitch':
      state.applyKillSwitch({ mode: event.mode, allowLan: event.allowLan, dnsLeakProtection: event.dnsLeakProtection, blocking: event.blocking });
      return;
    case 'leak_check':
      state.applyLeakCheck(event.sessionId, { ok: event.ok, atMs: event.atMs, checks: event.checks });
      return;
    case 'renegotiated':
      return; // main's story event tells it (the timeline in Connection details)
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
