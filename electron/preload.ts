// The sandboxed preload: exposes exactly the PreloadBridge and nothing of Node or Electron.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './api/ipc-channels';
import type { CallEnvelope, PreloadBridge } from './api/app-api';

const bridge: PreloadBridge = {
  invoke: (method, params) => ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params) as Promise<CallEnvelope>,
  subscribe: (listener) => {
    const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => { ipcRenderer.off(IPC_EVENT_CHANNEL, forward); };
  },
  // A dropped File no longer carries its path (Electron 32+); main needs it for the profile's folder.
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('postern', bridge);
