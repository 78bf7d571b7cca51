/**
 * What the tunnel uses to hear that the path to its server changed (native-helper/netwatch
 * on Linux). A port, so the controller's unit tests can fire a change by hand.
 */
export interface PathWatch {
  /**
   * Watches the path to this address (the server of the current session); the path of now is
   * the baseline, read by when the promise settles. A change before that would be taken for
   * the baseline itself, so the tunnel is told connected only after it (TunnelController).
   */
  watch(serverAddress: string): Promise<void> | void;
  close(): void;
}

export interface PathWatchEvents {
  /** The path changed and a new one exists; `detail` says from what to what (no secrets: devices and addresses). */
  onPathChanged(detail: string): void;
  onLog(message: string): void;
}

export type PathWatchFactory = (events: PathWatchEvents) => PathWatch;
