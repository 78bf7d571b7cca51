/**
 * Runs `start` and settles with it, unless `signal` aborts first: then rejects with the
 * signal's reason at once, and hands a value that still arrives to `onLate` (to close it).
 * For the waits of a run that cannot take a signal themselves (a prompt, DNS, a connect).
 */
export function untilAborted<T>(signal: AbortSignal, start: () => Promise<T>, onLate?: (value: T) => void): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    start().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) onLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
