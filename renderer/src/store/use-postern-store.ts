import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState } from './app-state';
import type { AppStore } from './app-store';

export const StoreContext = createContext<AppStore | null>(null);

/**
 * One value of the store; the component re-renders only when it changes. Selectors must
 * return stable values (a new array or object each time would re-render every update).
 */
export function usePosternStore<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePosternStore outside <StoreContext.Provider>');
  return useStore(store, selector);
}
