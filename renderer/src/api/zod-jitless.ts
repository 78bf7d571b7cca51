import { config } from 'zod';

// Must run before any schema is built (main.tsx imports this first). Zod probes
// `new Function` to speed up object parsing; under our CSP (no 'unsafe-eval') the probe
// fails and is caught, but Chromium still reports a CSP violation. Jitless skips the probe.
config({ jitless: true });
