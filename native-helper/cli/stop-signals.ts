/** Calls back once on Ctrl-C / SIGTERM / SIGHUP; returns a function that stops listening. */
export type OnStopSignal = (handler: () => void) => () => void;

export const onProcessStopSignal: OnStopSignal = (handler) => {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    handler();
  };
  for (const signal of signals) process.on(signal, once);
  return () => { for (const signal of signals) process.off(signal, once); };
};
