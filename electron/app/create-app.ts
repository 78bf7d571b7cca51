import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SOCKET_PATH } from '../../native-helper/client/socket-client';
import { createAppController } from '../controller/app-controller';
import type { AppController, AppControllerDeps } from '../controller/app-controller';
import { createCredentialStore } from '../credentials/credential-store';
import type { Encryptor } from '../credentials/credential-store';
import { HelperLink } from '../helper/helper-link';
import { ProfileStore } from '../profiles/profile-store';
import { HistoryStore } from '../history/history-store';
import { SettingsStore } from '../settings/settings-store';

export interface AppOptions {
  dataDir: string;
  socketPath: string;
  /** Electron's safeStorage; absent in browser mode, where nothing is remembered. */
  encryptor?: Encryptor;
  openExternal: AppControllerDeps['openExternal'];
  notify?: AppControllerDeps['notify'];
  setLaunchAtLogin?: AppControllerDeps['setLaunchAtLogin'];
  /** Electron's save dialog; without it (browser mode) "Save diagnostics…" writes into the data folder. */
  chooseDiagnosticsPath?: AppControllerDeps['chooseDiagnosticsPath'];
  posternVersion?: string;
}

export interface App {
  controller: AppController;
  helper: HelperLink;
  stop(): void;
}

/** Where the app keeps its profiles and settings: $POSTERN_DATA_DIR, else ~/.config/postern. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['POSTERN_DATA_DIR'] || join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'postern');
}

export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['POSTERN_SOCKET'] || DEFAULT_SOCKET_PATH;
}

/** The main process without Electron: stores, the helper link and the controller, wired. */
export function createApp(options: AppOptions): App {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const helper = new HelperLink({ socketPath: options.socketPath });
  const controller = createAppController({
    profiles: new ProfileStore(options.dataDir),
    credentials: createCredentialStore(options.dataDir, options.encryptor),
    settings: new SettingsStore(options.dataDir),
    helper,
    openExternal: options.openExternal,
    ...(options.notify ? { notify: options.notify } : {}),
    ...(options.setLaunchAtLogin ? { setLaunchAtLogin: options.setLaunchAtLogin } : {}),
    ...(options.chooseDiagnosticsPath ? { chooseDiagnosticsPath: options.chooseDiagnosticsPath } : {}),
    ...(options.posternVersion === undefined ? {} : { posternVersion: options.posternVersion }),
    history: new HistoryStore(options.dataDir),
    dataDir: options.dataDir,
  });
  helper.start();
  return { controller, helper, stop: () => helper.stop() };
}
