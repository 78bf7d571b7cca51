import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type * as Electron from 'electron';

/**
 * Test-only: a faithful double of the part of the `electron` module that electron/main.ts
 * uses, so the built dist/electron/main.cjs runs in plain Node. It behaves as Electron
 * documents (app.quit's before-quit → close → will-quit → quit, preventable events, a window
 * that emits ready-to-show and did-finish-load after loadFile, a modal dialog that waits for
 * its answer) and records what main asks of it; `Recording` is what tests read and drive.
 *
 * It is written against Electron's own types: each class `implements` a Pick of the Electron
 * class it stands for, and each event main listens to is checked against Electron's `on`
 * overloads (EVENT CHECKS below), so a changed signature fails `npm run typecheck` instead
 * of drifting silently. Where Electron returns another Electron object, the double returns
 * its own double of it, cast once in `asElectron`.
 */

/** Electron's Event: `preventDefault()` and `defaultPrevented`. */
export class DoubleEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}
const newEvent = (): Electron.Event => new DoubleEvent() as unknown as Electron.Event;

/** The one unchecked step: a double standing where Electron hands out its own object. */
function asElectron<T>(double: object): T {
  return double as unknown as T;
}

// ---- EVENT CHECKS: every event main listens to, with the listener the double calls. ----
type Listener = (...args: never[]) => void;
type Is<T extends true> = T;
type Overload<F, Name extends string, L extends Listener> = F extends (event: Name, listener: L) => unknown ? true : false;
export type AppListeners = {
  'second-instance': (event: Electron.Event, argv: string[], workingDirectory: string, additionalData: unknown) => void;
  'open-file': (event: Electron.Event, path: string) => void;
  'before-quit': (event: Electron.Event) => void;
  'will-quit': (event: Electron.Event) => void;
  'quit': (event: Electron.Event, exitCode: number) => void;
  'window-all-closed': () => void;
  'web-contents-created': (event: Electron.Event, webContents: Electron.WebContents) => void;
};
export type WindowListeners = { 'close': (event: Electron.Event) => void; 'closed': () => void; 'ready-to-show': () => void };
export type ContentsListeners = {
  'will-navigate': (event: Electron.Event<Electron.WebContentsWillNavigateEventParams>, url: string) => void;
  'will-attach-webview': (event: Electron.Event, webPreferences: Electron.WebPreferences, params: Record<string, string>) => void;
  'did-finish-load': () => void;
};
export type TrayListeners = { 'click': (event: Electron.KeyboardEvent, bounds: Electron.Rectangle, position: Electron.Point) => void };
export type PowerListeners = { 'resume': () => void };
export type EventChecks = [
  Is<Overload<Electron.App['on'], 'second-instance', AppListeners['second-instance']>>,
  Is<Overload<Electron.App['on'], 'open-file', AppListeners['open-file']>>,
  Is<Overload<Electron.App['on'], 'before-quit', AppListeners['before-quit']>>,
  Is<Overload<Electron.App['on'], 'will-quit', AppListeners['will-quit']>>,
  Is<Overload<Electron.App['on'], 'quit', AppListeners['quit']>>,
  Is<Overload<Electron.App['on'], 'window-all-closed', AppListeners['window-all-closed']>>,
  Is<Overload<Electron.App['on'], 'web-contents-created', AppListeners['web-contents-created']>>,
  Is<Overload<Electron.BrowserWindow['on'], 'close', WindowListeners['close']>>,
  Is<Overload<Electron.BrowserWindow['on'], 'closed', WindowListeners['closed']>>,
  Is<Overload<Electron.BrowserWindow['once'], 'ready-to-show', WindowListeners['ready-to-show']>>,
  Is<Overload<Electron.WebContents['on'], 'will-navigate', ContentsListeners['will-navigate']>>,
  Is<Overload<Electron.WebContents['on'], 'will-attach-webview', ContentsListeners['will-attach-webview']>>,
  Is<Overload<Electron.WebContents['on'], 'did-finish-load', ContentsListeners['did-finish-load']>>,
  Is<Overload<Electron.Tray['on'], 'click', TrayListeners['click']>>,
  Is<Overload<Electron.PowerMonitor['on'], 'resume', PowerListeners['resume']>>,
];

/** An EventEmitter whose `emit` takes only the events and arguments checked above. */
class TypedEmitter<L extends Record<string, Listener>> extends EventEmitter {
  emitTyped<K extends keyof L & string>(name: K, ...args: Parameters<L[K]>): boolean {
    return this.emit(name, ...args);
  }
}

// ---- What the tests read and drive. ----

export interface SentMessage { channel: string; args: unknown[] }
export interface ShownDialog { options: Electron.MessageBoxOptions; answer(value: Electron.MessageBoxReturnValue): void; answered: boolean }
export interface ShownSaveDialog { options: Electron.SaveDialogOptions; answer(value: Electron.SaveDialogReturnValue): void; answered: boolean }
export type QuitPhase = 'running' | 'before-quit' | 'closing' | 'will-quit' | 'quit' | 'cancelled';

export class Recording {
  readonly windows: BrowserWindowDouble[] = [];
  readonly contents: WebContentsDouble[] = [];
  readonly trays: TrayDouble[] = [];
  readonly ipcHandlers = new Map<string, (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  readonly notifications: Electron.NotificationConstructorOptions[] = [];
  readonly dialogs: ShownDialog[] = [];
  readonly saveDialogs: ShownSaveDialog[] = [];
  readonly externalUrls: string[] = [];
  readonly loginItems: Electron.Settings[] = [];
  readonly quitPhases: QuitPhase[] = [];
  permissionRequest: Parameters<Electron.Session['setPermissionRequestHandler']>[0] = null;
  permissionCheck: Parameters<Electron.Session['setPermissionCheckHandler']>[0] = null;
  /** What requestSingleInstanceLock answers: false plays the second instance. */
  singleInstanceLock = true;
  /** Called once app.quit() went all the way (the process would end here). */
  onQuit: () => void = () => undefined;
}

export const recording = new Recording();

// ---- The doubles. ----

export class WebFrameDouble implements Pick<Electron.WebFrameMain, 'url' | 'routingId' | 'processId'> {
  constructor(public url: string, readonly parentFrame: WebFrameDouble | null, readonly routingId: number, readonly processId = 1) {}
  get parent(): Electron.WebFrameMain | null {
    return this.parentFrame && asElectron<Electron.WebFrameMain>(this.parentFrame);
  }
  get top(): Electron.WebFrameMain | null {
    return asElectron<Electron.WebFrameMain>(this.parentFrame ? this.parentFrame.top ?? this.parentFrame : this);
  }
}

let nextContentsId = 1;

export class WebContentsDouble extends TypedEmitter<ContentsListeners> implements Pick<Electron.WebContents, 'id' | 'send' | 'setWindowOpenHandler' | 'isDestroyed' | 'isLoading'> {
  readonly id = nextContentsId++;
  readonly sent: SentMessage[] = [];
  readonly frame = new WebFrameDouble('about:blank', null, 1);
  windowOpenHandler: ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | undefined;
  #loading = false;
  #destroyed = false;

  constructor() {
    super();
    recording.contents.push(this);
  }

  get mainFrame(): Electron.WebFrameMain {
    return asElectron<Electron.WebFrameMain>(this.frame);
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.#destroyed) throw new Error('Object has been destroyed');
    // Electron serializes with the structured clone algorithm: a function or class instance would not arrive.
    this.sent.push({ channel, args: args.map((arg) => structuredClone(arg)) });
  }

  setWindowOpenHandler(handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  isLoading(): boolean {
    return this.#loading;
  }

  /** Loads a page as Electron would: the frame's URL changes, did-finish-load follows a moment later. */
  load(url: string): Promise<void> {
    this.#loading = true;
    this.frame.url = url;
    return new Promise((resolve) => setTimeout(() => {
      this.#loading = false;
      this.emitTyped('did-finish-load');
      resolve();
    }, 10));
  }

  /** A page asks to go somewhere else: true when main let it. */
  navigate(url: string): boolean {
    const event = new DoubleEvent();
    const params = { url, isSameDocument: false, isMainFrame: true, frame: this.mainFrame, initiator: this.mainFrame };
    this.emitTyped('will-navigate', Object.assign(event, params) as unknown as Electron.Event<Electron.WebContentsWillNavigateEventParams>, url);
    if (!event.defaultPrevented) this.frame.url = url;
    return !event.defaultPrevented;
  }

  /** window.open or a target=_blank link: what main's handler answered ('deny' when it set none is not Electron's default: 'allow'). */
  openWindow(url: string): Electron.WindowOpenHandlerResponse {
    const details = { url, frameName: '', features: '', disposition: 'new-window', referrer: { url: this.frame.url, policy: 'strict-origin-when-cross-origin' }, postBody: undefined } as unknown as Electron.HandlerDetails;
    return this.windowOpenHandler?.(details) ?? { action: 'allow' };
  }

  /** A <webview> tag asks to attach: true when main let it. */
  attachWebview(): boolean {
    const event = new DoubleEvent();
    this.emitTyped('will-attach-webview', event as unknown as Electron.Event, { nodeIntegration: true }, { src: 'https://example.com/' });
    return !event.defaultPrevented;
  }

  destroy(): void {
    this.#destroyed = true;
  }
}

export class BrowserWindowDouble extends TypedEmitter<WindowListeners> implements Pick<Electron.BrowserWindow, 'loadFile' | 'loadURL' | 'isMinimized' | 'restore' | 'show' | 'hide' | 'focus' | 'isVisible' | 'isFocused' | 'isDestroyed' | 'close'> {
  readonly contents = new WebContentsDouble();
  static getFocusedWindow(): BrowserWindowDouble | null {
    return recording.windows.find((w) => w.isFocused() && !w.isDestroyed()) ?? null;
  }
  /** What loadFile/loadURL was asked to load (the double loads nothing: there is no Chromium). */
  readonly loaded: Array<{ file?: string; url?: string }> = [];
  /** How often main brought the window to the front (show + focus). */
  focusCount = 0;
  #visible: boolean;
  #focused = false;
  #minimized = false;
  #destroyed = false;

  constructor(readonly options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    this.#visible = options.show !== false;
    recording.windows.push(this);
    app.emitTyped('web-contents-created', newEvent(), this.webContents);
  }

  get webContents(): Electron.WebContents {
    return asElectron<Electron.WebContents>(this.contents);
  }

  async loadFile(filePath: string): Promise<void> {
    this.loaded.push({ file: filePath });
    await this.contents.load(new URL(`file://${filePath}`).href);
    this.emitTyped('ready-to-show');
  }

  async loadURL(url: string): Promise<void> {
    this.loaded.push({ url });
    await this.contents.load(url);
    this.emitTyped('ready-to-show');
  }

  isMinimized(): boolean { return this.#minimized; }
  restore(): void { this.#minimized = false; }
  minimize(): void { this.#minimized = true; this.#focused = false; }
  show(): void { this.#visible = true; }
  hide(): void { this.#visible = false; this.#focused = false; }
  focus(): void {
    this.#focused = true;
    if (this.#visible) this.focusCount++;
  }
  isVisible(): boolean { return this.#visible; }
  isFocused(): boolean { return this.#focused; }
  isDestroyed(): boolean { return this.#destroyed; }

  /** The user (or app.quit) closes it: main may prevent it. */
  close(): void {
    if (this.#destroyed) return;
    const event = new DoubleEvent();
    this.emitTyped('close', event as unknown as Electron.Event);
    if (event.defaultPrevented) return;
    this.#destroyed = true;
    this.#visible = false;
    this.contents.destroy();
    this.emitTyped('closed');
  }
}

export class NativeImageDouble implements Pick<Electron.NativeImage, 'isEmpty'> {
  constructor(readonly path: string) {}
  isEmpty(): boolean { return this.path === ''; }
}

export const nativeImage = {
  createFromPath: (path: string): Electron.NativeImage => asElectron<Electron.NativeImage>(new NativeImageDouble(path)),
} satisfies Pick<typeof Electron.nativeImage, 'createFromPath'>;

export class MenuDouble {
  constructor(readonly template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>) {}
}

export const Menu = {
  buildFromTemplate: (template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>): Electron.Menu => asElectron<Electron.Menu>(new MenuDouble(template)),
} satisfies Pick<typeof Electron.Menu, 'buildFromTemplate'>;

export class TrayDouble extends TypedEmitter<TrayListeners> implements Pick<Electron.Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'isDestroyed' | 'destroy'> {
  image: NativeImageDouble | string;
  toolTip = '';
  menu: MenuDouble | null = null;
  #destroyed = false;

  constructor(image: Electron.NativeImage | string) {
    super();
    this.image = imageOf(image);
    recording.trays.push(this);
  }

  setImage(image: Electron.NativeImage | string): void { this.image = imageOf(image); }
  setToolTip(toolTip: string): void { this.toolTip = toolTip; }
  setContextMenu(menu: Electron.Menu | null): void { this.menu = menu as unknown as MenuDouble | null; }
  isDestroyed(): boolean { return this.#destroyed; }
  destroy(): void { this.#destroyed = true; }

  get imagePath(): string {
    return typeof this.image === 'string' ? this.image : this.image.path;
  }

  /** The menu as a person sees it: label and whether it can be clicked. */
  menuItems(): Array<{ label: string; enabled: boolean; separator: boolean }> {
    return (this.menu?.template ?? []).map((item) => ({ label: item.label ?? '', enabled: item.enabled !== false, separator: item.type === 'separator' }));
  }

  /** Clicks the item with this label, as Electron does (menuItem, focused window, keyboard event); false when absent or disabled. */
  clickItem(label: string): boolean {
    const item = this.menu?.template.find((entry) => entry.label === label);
    if (!item || item.enabled === false || typeof item.click !== 'function') return false;
    const click = item.click as (menuItem: Electron.MenuItem, window: Electron.BaseWindow | undefined, event: Electron.KeyboardEvent) => void;
    click(asElectron<Electron.MenuItem>(item), undefined, { triggeredByAccelerator: false });
    return true;
  }

  clickIcon(): void {
    this.emitTyped('click', { triggeredByAccelerator: false }, { x: 0, y: 0, width: 16, height: 16 }, { x: 8, y: 8 });
  }
}

function imageOf(image: Electron.NativeImage | string): NativeImageDouble | string {
  return typeof image === 'string' ? image : image as unknown as NativeImageDouble;
}

export class NotificationDouble implements Pick<Electron.Notification, 'show'> {
  static isSupported(): boolean { return true; }
  constructor(readonly options: Electron.NotificationConstructorOptions = {}) {}
  show(): void { recording.notifications.push({ ...this.options }); }
}
export const Notification = NotificationDouble satisfies Pick<typeof Electron.Notification, 'isSupported'>;

export const ipcMain = {
  handle: (channel: string, listener: (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown): void => {
    // Electron refuses a second handler for one channel.
    if (recording.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    recording.ipcHandlers.set(channel, listener);
  },
  removeHandler: (channel: string): void => { recording.ipcHandlers.delete(channel); },
} satisfies Pick<Electron.IpcMain, 'handle' | 'removeHandler'>;

/** Where an invoke comes from, for the sender check. */
export type InvokeFrom = 'own-page' | 'iframe' | 'other-page' | 'other-contents';

/** ipcRenderer.invoke from a page: the handler runs with Electron's event for that frame. */
export async function invokeFrom(from: InvokeFrom, channel: string, ...args: unknown[]): Promise<unknown> {
  const handler = recording.ipcHandlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  const window = recording.windows[0];
  if (!window) throw new Error('no window');
  const own = window.contents;
  let sender: WebContentsDouble = own;
  let frame: WebFrameDouble = own.frame;
  if (from === 'iframe') frame = new WebFrameDouble('file:///tmp/evil.html', own.frame, 2);
  if (from === 'other-page') frame = new WebFrameDouble('file:///tmp/elsewhere/index.html', null, 1);
  if (from === 'other-contents') {
    sender = new WebContentsDouble();
    sender.frame.url = own.frame.url;
    frame = sender.frame;
  }
  const event = Object.assign(new DoubleEvent(), {
    sender: asElectron<Electron.WebContents>(sender), senderFrame: asElectron<Electron.WebFrameMain>(frame), frameId: frame.routingId, processId: frame.processId, type: 'frame' as const,
  });
  return handler(event as unknown as Electron.IpcMainInvokeEvent, ...args.map((arg) => structuredClone(arg)));
}

class AppDouble extends TypedEmitter<AppListeners> implements Pick<Electron.App, 'requestSingleInstanceLock' | 'quit' | 'whenReady' | 'isReady' | 'setLoginItemSettings' | 'getVersion' | 'getName' | 'getPath'> {
  #quitting = false;

  requestSingleInstanceLock(): boolean { return recording.singleInstanceLock; }
  whenReady(): Promise<void> { return new Promise((resolve) => setImmediate(resolve)); }
  isReady(): boolean { return true; }
  getVersion(): string { return '41.0.0-double'; }
  getName(): string { return 'Postern'; }
  getPath(name: Parameters<Electron.App['getPath']>[0]): string { return `/home/double/${name}`; }
  setLoginItemSettings(settings: Electron.Settings): void { recording.loginItems.push(settings); }

  /** Electron's order: before-quit (preventable), every window closes (each may refuse), will-quit (preventable), quit. */
  quit(): void {
    if (this.#quitting) return;
    this.#quitting = true;
    const phase = (name: QuitPhase): void => { recording.quitPhases.push(name); };
    const before = new DoubleEvent();
    phase('before-quit');
    this.emitTyped('before-quit', before as unknown as Electron.Event);
    if (before.defaultPrevented) return this.#cancel();
    phase('closing');
    for (const window of recording.windows) {
      window.close();
      if (!window.isDestroyed()) return this.#cancel();
    }
    const willQuit = new DoubleEvent();
    phase('will-quit');
    this.emitTyped('will-quit', willQuit as unknown as Electron.Event);
    if (willQuit.defaultPrevented) return this.#cancel();
    phase('quit');
    this.emitTyped('quit', newEvent(), 0);
    recording.onQuit();
  }

  #cancel(): void {
    this.#quitting = false;
    recording.quitPhases.push('cancelled');
  }
}

export const app = new AppDouble();

export const powerMonitor = new TypedEmitter<PowerListeners>();

// safeStorage as on a Linux desktop with a keyring: reversible, never plain text on disk.
const STORAGE_KEY = createHash('sha256').update('postern electron double').digest();
export const safeStorage = {
  isEncryptionAvailable: (): boolean => true,
  getSelectedStorageBackend: (): ReturnType<Electron.SafeStorage['getSelectedStorageBackend']> => 'gnome_libsecret',
  encryptString: (plain: string): Buffer => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', STORAGE_KEY, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]);
  },
  decryptString: (encrypted: Buffer): string => {
    const decipher = createDecipheriv('aes-256-gcm', STORAGE_KEY, encrypted.subarray(3, 15));
    decipher.setAuthTag(encrypted.subarray(15, 31));
    return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
  },
} satisfies Pick<Electron.SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>;

const defaultSession = {
  setPermissionRequestHandler: (handler: Parameters<Electron.Session['setPermissionRequestHandler']>[0]): void => { recording.permissionRequest = handler; },
  setPermissionCheckHandler: (handler: Parameters<Electron.Session['setPermissionCheckHandler']>[0]): void => { recording.permissionCheck = handler; },
} satisfies Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
export const session = { defaultSession: asElectron<Electron.Session>(defaultSession) } satisfies Pick<typeof Electron.session, 'defaultSession'>;

/** A page asks for a permission (camera, notifications…): what main's handler granted. */
export function requestPermission(permission: string): Promise<boolean> {
  const window = recording.windows[0];
  const handler = recording.permissionRequest;
  if (!window || !handler) return Promise.resolve(true); // Electron grants everything without a handler
  return new Promise((resolve) => handler(window.webContents, permission as 'media', resolve, { requestingUrl: window.contents.frame.url, isMainFrame: true }));
}

export const shell = {
  openExternal: async (url: string): Promise<void> => { recording.externalUrls.push(url); },
} satisfies Pick<Electron.Shell, 'openExternal'>;

function showMessageBox(windowOrOptions: Electron.BaseWindow | Electron.MessageBoxOptions, maybeOptions?: Electron.MessageBoxOptions): Promise<Electron.MessageBoxReturnValue> {
  const options = maybeOptions ?? windowOrOptions as Electron.MessageBoxOptions;
  // Modal: it waits for the person (the test) to answer.
  return new Promise((resolve) => {
    const shown: ShownDialog = { options, answered: false, answer: (value) => { shown.answered = true; resolve(value); } };
    recording.dialogs.push(shown);
  });
}
function showSaveDialog(windowOrOptions: Electron.BaseWindow | Electron.SaveDialogOptions, maybeOptions?: Electron.SaveDialogOptions): Promise<Electron.SaveDialogReturnValue> {
  const options = maybeOptions ?? windowOrOptions as Electron.SaveDialogOptions;
  return new Promise((resolve) => {
    const shown: ShownSaveDialog = { options, answered: false, answer: (value) => { shown.answered = true; resolve(value); } };
    recording.saveDialogs.push(shown);
  });
}
export const dialog = { showMessageBox, showSaveDialog } satisfies Pick<Electron.Dialog, 'showMessageBox' | 'showSaveDialog'>;

export const BrowserWindow = BrowserWindowDouble;
export const Tray = TrayDouble;
