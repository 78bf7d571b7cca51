#!/usr/bin/env node
// `npm start`: builds what is missing, then runs the Electron app; where the Electron
// binary is not installed (its download is optional), says so in one line and serves
// the same app in browser mode instead (`npm run start:web`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron'); // the package exports the binary's path, or throws without it
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function ensureBuilt(part, output) {
  if (existsSync(output)) return;
  const built = spawnSync(process.execPath, ['scripts/build.mjs', part], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

ensureBuilt('renderer', 'dist/renderer/index.html');
const binary = electronBinary();
const [program, args] = binary
  ? (ensureBuilt('electron', 'dist/electron/main.cjs'), [binary, ['dist/electron/main.cjs']])
  : (console.log('postern: the Electron binary is not installed here, so the app opens in browser mode instead.'),
    [process.execPath, ['--import', 'tsx', 'electron/web/web-main.ts']]);
const child = spawn(program, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
