import { useEffect, useState } from 'react';

/** The clock, re-read every `intervalMs` while the component is shown (durations, countdowns). */
export function useNowMs(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
