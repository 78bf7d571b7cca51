/**
 * What the tunnel uses to hear that the machine slept (native-helper/power on Linux). A
 * port, so the controller's unit tests can wake it by hand.
 */
export interface SleepWatch {
  start(): void;
  /** Compares the clocks now (the app said the machine resumed: no need to wait for the next tick). */
  check(): void;
  stop(): void;
}

export type SleepWatchFactory = (onWake: (sleptMs: number) => void) => SleepWatch;
