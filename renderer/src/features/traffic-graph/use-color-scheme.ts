import { useEffect, useState } from 'react';

const DARK = '(prefers-color-scheme: dark)';

/** Whether the OS (or the browser) asks for the dark theme, following changes. */
export function useDarkScheme(): boolean {
  const [dark, setDark] = useState(() => matchMedia(DARK).matches);
  useEffect(() => {
    const query = matchMedia(DARK);
    const onChange = (): void => setDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return dark;
}
