#!/usr/bin/env node
// The `postern` command. Runs the TypeScript CLI through tsx in a checkout;
// `npm run build` bundles the same CLI into dist/postern.mjs (what the benchmark and packaged builds run).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../native-helper/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
