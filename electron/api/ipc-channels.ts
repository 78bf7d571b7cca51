/** Electron IPC channel names; their own file so the preload bundles nothing else. */
export const IPC_CALL_CHANNEL = 'postern:call';
export const IPC_EVENT_CHANNEL = 'postern:event';
