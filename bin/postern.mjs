#!/usr/bin/env node
// The `postern` command. Runs the TypeScript CLI through tsx in a checkout;
// packaged builds ship the bundled dist/postern.cjs instead.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../native-helper/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
