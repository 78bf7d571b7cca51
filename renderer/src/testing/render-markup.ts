import * as React from 'react';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { AppStore } from '../store/app-store';
import { StoreContext } from '../store/use-postern-store';

/**
 * Test-only: the HTML a component renders from the store as it is now, in Node without
 * a DOM (no effects run, so a Modal's <dialog> is not opened, but its content is there).
 */
export function renderMarkup(store: AppStore, element: ReactElement): string {
  // The test runner's tsx compiles JSX with the root tsconfig, which names no JSX runtime,
  // so components call React.createElement on a global React (vite's build does not).
  Object.assign(globalThis, { React });
  // Server rendering reads zustand's getInitialState; the test wants the current state.
  const current: AppStore = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(React.createElement(StoreContext.Provider, { value: current }, element));
}
