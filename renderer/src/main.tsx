import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppApi, defaultTransport } from './api/create-app-api';
import { App } from './components/App';
import { createAppStore } from './store/app-store';
import { StoreContext } from './store/use-app';
import './styles.css';

const started = performance.now();
const store = createAppStore(createAppApi(defaultTransport()));
store.getState().start();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  );
}
// The e2e suite reads this: time from script start to the first painted frame.
requestAnimationFrame(() => { document.documentElement.dataset['firstRenderMs'] = String(Math.round(performance.now() - started)); });
