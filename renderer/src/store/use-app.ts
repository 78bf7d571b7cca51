import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './app-store';

import type { ProfileEntry } from '../../../electron/api/app-api';

/** Selectors must return stable values (useSyncExternalStore): one shared empty list. */
export const NO_PROFILES: readonly ProfileEntry[] = [];

export const StoreContext = createContext<AppStore | null>(null);

/** A slice of the app store, re-rendering only when that slice changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside <StoreContext.Provider>');
  return useStore(store, selector);
}
