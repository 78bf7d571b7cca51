// `npm run start:web`: the app in a browser. The built renderer and a loopback-only bridge
// to the real main-process controller, which talks to the real helper. For development and
// the e2e tests where the Electron binary cannot run; never part of a packaged build.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createApp, defaultDataDir, defaultSocketPath } from '../app/create-app';
import { startWebBridge } from './web-bridge-server';

const staticDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
if (!existsSync(`${staticDir}/index.html`)) {
  process.stderr.write('postern: the renderer is not built yet: run `npm run build` first.\n');
  process.exit(1);
}

const app = createApp({
  dataDir: defaultDataDir(),
  socketPath: defaultSocketPath(),
  // Web sign-in: the system browser, as Electron's shell.openExternal would.
  openExternal: (url) => {
    if (process.env['POSTERN_NO_BROWSER']) return;
    spawn('xdg-open', [url], { stdio: 'ignore', detached: true }).on('error', () => process.stderr.write(`open this address to sign in: ${url}\n`)).unref();
  },
  notify: (title, body) => process.stderr.write(`[notification] ${title}: ${body}\n`),
  posternVersion: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown',
});
const port = process.env['POSTERN_WEB_PORT'] ? Number(process.env['POSTERN_WEB_PORT']) : undefined;
const bridge = await startWebBridge({ controller: app.controller, staticDir, ...(port === undefined ? {} : { port }) });
process.stdout.write(`Postern is running in browser mode: ${bridge.url}\n`);

const stop = (): void => {
  app.stop();
  void bridge.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
