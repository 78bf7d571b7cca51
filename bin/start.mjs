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

/**
 * Development convenience: the app needs the privileged helper. As root, start one for
 * this session when none is listening; otherwise say how (the app shows it too).
 */
function ensureHelper() {
  const socket = process.env.POSTERN_SOCKET || '/run/postern/postern.sock';
  if (existsSync(socket)) return undefined;
  if (process.getuid?.() !== 0) {
    console.log('postern: no helper is running; start it in another terminal with: sudo npx postern helper');
    return undefined;
  }
  console.log('postern: starting the helper for this session (postern helper)');
  return spawn(process.execPath, ['bin/postern.mjs', 'helper'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

ensureBuilt('renderer', 'dist/renderer/index.html');
const helper = ensureHelper();
const binary = electronBinary();
const [program, args] = binary
  ? (ensureBuilt('electron', 'dist/electron/main.cjs'), [binary, ['dist/electron/main.cjs']])
  : (console.log('postern: the Electron binary is not installed here, so the app opens in browser mode instead.'),
    [process.execPath, ['--import', 'tsx', 'electron/web/web-main.ts']]);
const child = spawn(program, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => {
  // The helper we started takes its tunnel down (routes and DNS restored) on SIGTERM.
  if (helper) helper.once('exit', () => process.exit(code ?? 0)).kill('SIGTERM');
  else process.exit(code ?? 0);
});
