// Electron main: the thin adapter. Everything it shows and does comes from plain modules
// (createApp, AppController, buildTrayModel) that run and are tested without Electron.
import { join } from 'node:path';
import { BrowserWindow, Menu, Notification, Tray, app, ipcMain, nativeImage, powerMonitor, safeStorage, session, shell } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { AppCallError } from './api/app-api';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './api/ipc-channels';
import type { CallEnvelope } from './api/app-api';
import { createApp, defaultDataDir, defaultSocketPath } from './app/create-app';
import { profilePathsIn } from './profiles/opened-profiles';
import { buildTrayModel } from './tray/tray-menu';
import type { TrayAction, TrayModel } from './tray/tray-menu';

const ROOT = join(__dirname, '..', '..');
const RENDERER = join(ROOT, 'dist', 'renderer', 'index.html');
const ICONS = join(ROOT, 'assets');
let quitting = false;

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
  postern.controller.onEvent((event) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event);
    if (event.type === 'snapshot') renderTray();
  });
  renderTray();
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, params: unknown): Promise<CallEnvelope> => {
    // Only our own page may call: not an iframe, not something navigated to.
    if (event.senderFrame?.url.startsWith('file://') !== true) return { ok: false, error: { code: 'app.forbidden', message: 'Not allowed.' } };
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
  // "Open with Postern" and a double-click on a .ovpn: the file's path in argv, of this first
  // start or of a second one (which the single-instance lock ends, handing its argv here).
  postern.controller.openProfiles(profilePathsIn(process.argv));
  app.on('second-instance', (_event, argv, workingDirectory) => {
    postern.controller.openProfiles(profilePathsIn(argv, workingDirectory));
    showWindow(window);
  });
  app.on('before-quit', () => { quitting = true; postern.stop(); });
  app.on('window-all-closed', () => { /* stay in the tray */ });
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
