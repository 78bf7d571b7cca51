// Test-only child process: runs the built Electron main (dist/electron/main.cjs) in plain Node
// with `require('electron')` answered by the double, and lets the test drive it over fd 3
// (one JSON object per line each way: { id, op, args } → { id, ok, value | error }).
//
//   node --import tsx e2e/electron-main/main-harness.ts <main.cjs> [argv passed to main…]
//
// Env: POSTERN_DOUBLE_SECOND_INSTANCE=1 plays a second instance (the lock is taken).
import Module, { createRequire } from 'node:module';
import { Socket } from 'node:net';
import * as electron from './electron-double';
import { invokeFrom, recording, requestPermission } from './electron-double';
import type { InvokeFrom } from './electron-double';

const [mainPath, ...mainArgs] = process.argv.slice(2);
if (!mainPath) throw new Error('usage: main-harness.ts <main.cjs> [args…]');

// Where Electron's own module would load, the double does.
const DOUBLE_ID = '\0electron-double';
const moduleInternals = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string; _cache: Record<string, unknown> };
const resolve = moduleInternals._resolveFilename.bind(Module);
moduleInternals._resolveFilename = (request, ...rest) => (request === 'electron' ? DOUBLE_ID : resolve(request, ...rest));
const cached = new Module(DOUBLE_ID);
cached.exports = electron;
cached.loaded = true;
moduleInternals._cache[DOUBLE_ID] = cached;

recording.singleInstanceLock = process.env['POSTERN_DOUBLE_SECOND_INSTANCE'] !== '1';

const control = new Socket({ fd: 3, readable: true, writable: true });
const reply = (message: object): void => { control.write(`${JSON.stringify(message)}\n`); };
recording.onQuit = () => {
  reply({ event: 'quit' });
  // Electron ends the process once quit is emitted; give the reply a moment to leave.
  setTimeout(() => process.exit(0), 50);
};

type Ops = Record<string, (...args: never[]) => unknown>;
const window = (): electron.BrowserWindowDouble => {
  const first = recording.windows[0];
  if (!first) throw new Error('main opened no window');
  return first;
};
const tray = (): electron.TrayDouble => {
  const first = recording.trays[0];
  if (!first) throw new Error('main made no tray');
  return first;
};

const ops = {
  /** Everything recorded that a test asserts on, as plain data. */
  state: () => ({
    windows: recording.windows.map((w) => ({
      options: w.options, loaded: w.loaded, visible: w.isVisible(), focused: w.isFocused(), focusCount: w.focusCount, destroyed: w.isDestroyed(), url: w.contents.frame.url,
    })),
    tray: recording.trays.map((t) => ({ image: t.imagePath, toolTip: t.toolTip, items: t.menuItems() }))[0] ?? null,
    ipcChannels: [...recording.ipcHandlers.keys()],
    notifications: recording.notifications,
    dialogs: recording.dialogs.map((d) => ({ options: d.options, answered: d.answered })),
    saveDialogs: recording.saveDialogs.map((d) => ({ options: d.options, answered: d.answered })),
    externalUrls: recording.externalUrls,
    loginItems: recording.loginItems,
    quitPhases: recording.quitPhases,
    permissionHandlers: { request: recording.permissionRequest !== null, check: recording.permissionCheck !== null },
  }),
  /** What main sent the window on a channel. */
  sent: (channel: string) => window().contents.sent.filter((m) => m.channel === channel).map((m) => m.args[0]),
  invoke: (from: InvokeFrom, channel: string, args: unknown[]) => invokeFrom(from, channel, ...args),
  navigate: (url: string) => window().contents.navigate(url),
  openWindow: (url: string) => window().contents.openWindow(url),
  attachWebview: () => window().contents.attachWebview(),
  /** A web contents main did not make (a devtools page, say): main's app-wide guards apply to it too. */
  otherContents: (url: string) => {
    const other = new electron.WebContentsDouble();
    electron.app.emitTyped('web-contents-created', new electron.DoubleEvent() as unknown as Parameters<electron.AppListeners['web-contents-created']>[0], other as unknown as Parameters<electron.AppListeners['web-contents-created']>[1]);
    return { navigated: other.navigate(url), opened: other.openWindow(url).action, webview: other.attachWebview() };
  },
  permission: (name: string) => requestPermission(name),
  permissionCheck: (name: string) => recording.permissionCheck?.(null, name as 'media', 'file:///', { isMainFrame: true, requestingUrl: 'file:///' } as never) ?? true,
  clickTray: (label: string) => tray().clickItem(label),
  clickTrayIcon: () => tray().clickIcon(),
  closeWindow: () => window().close(),
  minimizeWindow: () => window().minimize(),
  secondInstance: (argv: string[], cwd: string) => electron.app.emitTyped('second-instance', new electron.DoubleEvent() as unknown as Parameters<electron.AppListeners['second-instance']>[0], argv, cwd, {}),
  openFile: (path: string) => {
    const event = new electron.DoubleEvent();
    electron.app.emitTyped('open-file', event as unknown as Parameters<electron.AppListeners['open-file']>[0], path);
    return event.defaultPrevented;
  },
  resume: () => electron.powerMonitor.emitTyped('resume'),
  quit: () => electron.app.quit(),
  /** Answers the oldest save dialog still waiting: the path chosen, or null for Cancel. */
  answerSaveDialog: (filePath: string | null) => {
    const open = recording.saveDialogs.find((d) => !d.answered);
    if (!open) return false;
    open.answer(filePath === null ? { canceled: true, filePath: '' } : { canceled: false, filePath });
    return true;
  },
  /** Answers the oldest dialog still waiting: the button's index, and the checkbox. */
  answerDialog: (response: number, checkboxChecked = false) => {
    const open = recording.dialogs.find((d) => !d.answered);
    if (!open) return false;
    open.answer({ response, checkboxChecked });
    return true;
  },
} satisfies Ops;

let buffered = '';
control.on('data', (chunk: Buffer) => {
  buffered += chunk.toString();
  const lines = buffered.split('\n');
  buffered = lines.pop() ?? '';
  for (const line of lines) void handle(line);
});
control.on('close', () => process.exit(0));

async function handle(line: string): Promise<void> {
  const { id, op, args = [] } = JSON.parse(line) as { id: number; op: keyof typeof ops; args?: unknown[] };
  try {
    const fn = ops[op] as (...a: unknown[]) => unknown;
    if (typeof fn !== 'function') throw new Error(`no op ${String(op)}`);
    const value = await fn(...args);
    reply({ id, ok: true, value: value ?? null });
  } catch (error) {
    reply({ id, ok: false, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  }
}

// Electron starts main with argv [electron, main.cjs, …the command line]; packaged, [postern, …].
process.argv = [process.execPath, mainPath, ...mainArgs];
createRequire(import.meta.url)(mainPath);
reply({ event: 'loaded' });
