import type { StateCreator } from 'zustand/vanilla';
import type { AppApi, AppEvent } from '../../../electron/api/app-api';
import type { ConnectionSlice } from './connection-slice';
import type { HelperSlice } from './helper-slice';
import type { KillSwitchSlice } from './kill-switch-slice';
import type { LogSlice } from './log-slice';
import type { NoticeSlice } from './notice-slice';
import type { ProfilesSlice } from './profiles-slice';
import type { PromptSlice } from './prompt-slice';
import type { SettingsSlice } from './settings-slice';
import type { StatsSlice } from './stats-slice';
import type { StorySlice } from './story-slice';

/** The whole window's state: one store of slices (zustand's slices pattern). */
export type AppState = ProfilesSlice & ConnectionSlice & PromptSlice & StatsSlice & LogSlice & SettingsSlice & KillSwitchSlice & HelperSlice & NoticeSlice & StorySlice & {
  /** Subscribes to main's events and loads the first snapshot and the log; returns the unsubscribe. */
  start(): () => void;
};

/** What every slice gets: the API to main and a clock (injected so tests control time). */
export interface SliceDeps {
  api: AppApi;
  nowMs(): number;
}

export type SliceCreator<T> = (deps: SliceDeps) => StateCreator<AppState, [], [], T>;

/** A helper event as main forwards it (electron/api wraps native-helper/api's HelperEvent). */
export type HelperEvent = Extract<AppEvent, { type: 'helper' }>['event'];
