// Electron main: the thin adapter. Everything it shows and does comes from plain modules
// (createApp, AppController, buildTrayModel) that run and are tested without Electron.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, Notification, Tray, app, dialog, ipcMain, nativeImage, powerMonitor, safeStorage, session, shell } from 'electron';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions } from 'electron';
import { AppCallError } from './api/app-api';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './api/ipc-channels';
import type { AppEvent, CallEnvelope } from './api/app-api';
import { QUIT_WORDS } from './api/words';
import { createApp, defaultDataDir, defaultSocketPath } from './app/create-app';
import type { App } from './app/create-app';
import { profilePathsIn } from './app/open-files';
import { decideQuit } from './app/quit-choice';
import { buildTrayModel } from './tray/tray-menu';
import type { TrayAction, TrayModel } from './tray/tray-menu';

const ROOT = join(__dirname, '..', '..');
const RENDERER = join(ROOT, 'dist', 'renderer', 'index.html');
const RENDERER_PATHNAME = pathToFileURL(RENDERER).pathname;
const ICONS = join(ROOT, 'assets');
/** How long "Disconnect and Quit" waits for the tunnel to go down before quitting anyway. */
const DISCONNECT_BEFORE_QUIT_MS = 10_000;
let quitting = false;
/** The question about a connected VPN was answered (or not needed): the next before-quit goes through. */
let quitDecided = false;

if (!app.requestSingleInstanceLock()) app.quit();
else void app.whenReady().then(start);

function start(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    // No <webview>, no new windows, no navigation away from the app, whatever the page asks.
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  const postern = createApp({
    dataDir: defaultDataDir(),
    socketPath: defaultSocketPath(),
    encryptor: safeStorage,
    openExternal: (url) => { if (/^https?:\/\//i.test(url)) void shell.openExternal(url); },
    notify: (title, body) => { if (Notification.isSupported()) new Notification({ title, body }).show(); },
    setLaunchAtLogin: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    chooseDiagnosticsPath: async (defaultName) => {
      const options = { title: 'Save diagnostics', defaultPath: join(app.getPath('documents'), defaultName), filters: [{ name: 'Archive', extensions: ['tar.gz'] }] };
      const focused = BrowserWindow.getFocusedWindow();
      const chosen = focused ? await dialog.showSaveDialog(focused, options) : await dialog.showSaveDialog(options);
      return chosen.canceled || !chosen.filePath ? undefined : chosen.filePath;
    },
    posternVersion: app.getVersion(),
  });
  const window = createWindow();
  const tray = new Tray(trayImage('disconnected'));
  const renderTray = (): void => applyTray(tray, buildTrayModel(postern.controller.snapshot()), (action) => onTrayAction(action));
  const onTrayAction = (action: TrayAction): void => {
    if (action.type === 'open') showWindow(window);
    if (action.type === 'quit') { quitting = true; app.quit(); }
    if (action.type === 'connect') void postern.controller.call('tunnel.connect', { profileId: action.profileId }).catch(() => showWindow(window));
    if (action.type === 'disconnect') void postern.controller.call('tunnel.disconnect', {}).catch(() => undefined);
  };
  tray.on('click', () => showWindow(window));
  // The smoke test (e2e/electron-smoke.test.ts) checks the tray from the main process.
  if (process.env['POSTERN_E2E'] === '1') Object.assign(globalThis, { posternTray: tray });
  // Events sent before the page has loaded would be lost: an opened profile waits for it.
  let pageLoaded = false;
  const waitingForPage: AppEvent[] = [];
  const send = (event: AppEvent): void => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event);
  };
  window.webContents.on('did-finish-load', () => {
    pageLoaded = true;
    for (const event of waitingForPage.splice(0)) send(event);
  });
  const openProfiles = (paths: readonly string[]): void => {
    if (paths.length === 0) return;
    // One verdict at a time in the window: the last file named wins, as with a drop.
    const event = postern.controller.openProfileFile(paths[paths.length - 1]!);
    if (pageLoaded) send(event);
    else waitingForPage.push(event);
    showWindow(window);
  };
  postern.controller.onEvent((event) => {
    send(event);
    // The tray follows each snapshot, and each change of the session's state or question (the
    // helper link's copy is current by then); stats and log lines change nothing it shows.
    if (event.type === 'snapshot' || (event.type === 'helper' && event.event.type !== 'stats' && event.event.type !== 'log')) renderTray();
    // A question from the server is answered in the window: bring it up, wherever the connect came from.
    if (event.type === 'helper' && event.event.type === 'prompt') showWindow(window);
  });
  renderTray();
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, params: unknown): Promise<CallEnvelope> => {
    if (!isOwnPage(event, window)) return { ok: false, error: { code: 'app.forbidden', message: 'Not allowed.' } };
    try {
      return { ok: true, result: await postern.controller.call(String(method), params) };
    } catch (error) {
      return error instanceof AppCallError
        ? { ok: false, error: { code: error.code, message: error.message } }
        : { ok: false, error: { code: 'internal', message: 'Something went wrong in the app.' } };
    }
  });
  // After a sleep the tunnel probes or reconnects at once; the helper also notices by itself (clocks).
  powerMonitor.on('resume', () => void postern.controller.powerResumed());
  // Open with Postern: a profile on the first start's command line, or a second start's (Electron
  // hands it to this first instance, which shows it), or the OS's open-file (macOS).
  openProfiles(profilePathsIn(process.argv.slice(1), process.cwd()));
  app.on('second-instance', (_event, argv, workingDirectory) => {
    showWindow(window);
    openProfiles(profilePathsIn(argv.slice(1), workingDirectory));
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openProfiles(profilePathsIn([path], process.cwd()));
  });
  app.on('before-quit', (event) => {
    if (quitDecided || !isRunning(postern)) {
      quitting = true;
      return;
    }
    // A VPN is up: ask (or follow the setting) before anything closes; the quit starts again after.
    event.preventDefault();
    void quitWhileConnected(postern, window).then((choice) => {
      if (choice === 'cancel') return;
      quitDecided = true;
      app.quit();
    });
  });
  app.on('will-quit', () => postern.stop());
  app.on('window-all-closed', () => { /* stay in the tray */ });
}

/**
 * Only our own page may call: the window's top frame showing the renderer's index.html. Not an
 * iframe, not another page (navigation is refused anyway), not another web contents.
 */
function isOwnPage(event: IpcMainInvokeEvent, window: BrowserWindow): boolean {
  const frame = event.senderFrame;
  if (window.isDestroyed() || event.sender !== window.webContents || !frame || frame.parent !== null) return false;
  try {
    // The query and fragment are the page's own (routes); the file is what must match.
    const url = new URL(frame.url);
    return url.protocol === 'file:' && url.host === '' && url.pathname === RENDERER_PATHNAME;
  } catch {
    return false;
  }
}

function isRunning(postern: App): boolean {
  const session = postern.controller.snapshot().session;
  return session !== null && session.state !== 'disconnected';
}

/**
 * Quitting while connected: "Disconnect and Quit" takes the tunnel down first (bounded: a helper
 * that does not answer does not keep Postern from quitting); "Keep Connected and Quit" leaves it
 * to the helper, which owns every tunnel and its user: never a tunnel without an owner, and the
 * next start shows it and can disconnect it. The answer may become the setting.
 */
async function quitWhileConnected(postern: App, window: BrowserWindow): Promise<'disconnect' | 'keep' | 'cancel'> {
  const { settings, session } = postern.controller.snapshot();
  const choice = await decideQuit(
    settings.quitWhileConnected,
    () => {
      showWindow(window);
      return dialog.showMessageBox(window, {
        type: 'question', title: 'Postern', message: QUIT_WORDS.message(session?.profileName ?? 'The VPN'), detail: QUIT_WORDS.detail,
        buttons: [QUIT_WORDS.disconnect, QUIT_WORDS.keep, QUIT_WORDS.cancel], defaultId: 0, cancelId: 2, noLink: true, checkboxLabel: QUIT_WORDS.remember,
      });
    },
    (remembered) => void postern.controller.call('settings.update', { quitWhileConnected: remembered }).catch(() => undefined),
  );
  if (choice === 'disconnect') await disconnectBeforeQuit(postern);
  return choice;
}

async function disconnectBeforeQuit(postern: App): Promise<void> {
  let stop: () => void = () => undefined;
  const down = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, DISCONNECT_BEFORE_QUIT_MS);
    const unsubscribe = postern.controller.onEvent(() => { if (!isRunning(postern)) resolve(); });
    stop = () => { clearTimeout(timer); unsubscribe(); };
  });
  try {
    await postern.controller.call('tunnel.disconnect', {});
    if (isRunning(postern)) await down;
  } catch {
    // The helper is gone or refused: its own teardown owns the tunnel now.
  } finally {
    stop();
  }
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 980, height: 720, minWidth: 720, minHeight: 520, show: false, title: 'Postern',
    icon: join(ICONS, 'icon-512.png'),
    webPreferences: { preload: join(__dirname, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    window.hide(); // the app lives on in the tray
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(RENDERER);
  return window;
}

function showWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function trayImage(name: TrayModel['icon']): Electron.NativeImage {
  return nativeImage.createFromPath(join(ICONS, `tray-${name}.png`));
}

function applyTray(tray: Tray, model: TrayModel, onAction: (action: TrayAction) => void): void {
  tray.setImage(trayImage(model.icon));
  tray.setToolTip(model.tooltip);
  const template: MenuItemConstructorOptions[] = model.items.map((item) => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'label') return { label: item.label, enabled: false };
    return { label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
  });
  tray.setContextMenu(Menu.buildFromTemplate(template));
}
