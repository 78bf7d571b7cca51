// First: zod's settings must be in place before the schemas in electron/api are built.
import './api/zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppApi } from './api/create-app-api';
import { App } from './app/app';
import { ErrorBoundary } from './app/error-boundary';
import { createAppStore } from './store/app-store';
import { StoreContext } from './store/use-postern-store';
import './styles.css';

const started = performance.now();
const store = createAppStore(createAppApi());
store.getState().start();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary>
        <StoreContext.Provider value={store}>
          <App />
        </StoreContext.Provider>
      </ErrorBoundary>
    </StrictMode>,
  );
}
// The e2e suite reads this: time from script start to the first painted frame.
requestAnimationFrame(() => { document.documentElement.dataset['firstRenderMs'] = String(Math.round(performance.now() - started)); });
