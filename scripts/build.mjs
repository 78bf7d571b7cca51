// `npm run build`: bundles what runs outside a checkout. dist/postern.mjs is the CLI
// and helper in one file (node loads it without tsx: ~10× faster start), with the TUN
// addon copied beside it where its loader looks (./build/Release/ next to the bundle)
// and node-forge in dist/node_modules: the folder runs on its own (`npm run package`
// installs it as /usr/lib/postern).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv[2];

async function buildCli() {
  await build({
    stdin: {
      contents: "import { main } from './native-helper/cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n",
      resolveDir: '.',
      sourcefile: 'postern-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: 'dist/postern.mjs',
    sourcemap: 'linked',
    // Start-up time is mostly V8 compiling this file: a minified bundle compiles in half the time.
    minify: true,
    keepNames: true,
    // CommonJS dependencies (node-forge) call require(): give the ESM bundle one.
    // Loaded on first use only (core/tls/pkcs12.ts), from dist/node_modules (buildForge below).
    external: ['node-forge'],
    banner: { js: "import { createRequire as __postern_require } from 'node:module'; const require = __postern_require(import.meta.url);" },
    logLevel: 'warning',
  });
  const addon = 'native-helper/addon/build/Release/postern_tun.node';
  if (existsSync(addon)) {
    mkdirSync('dist/build/Release', { recursive: true });
    copyFileSync(addon, 'dist/build/Release/postern_tun.node');
  }
  await buildForge();
  console.log('built dist/postern.mjs');
}

/**
 * node-forge, which the bundle leaves external (it is loaded on first use, for PKCS#12),
 * as one minified file where the bundle's require() finds it first: dist/ then runs with
 * no node_modules at all, as the package installs it (/usr/lib/postern).
 */
async function buildForge() {
  const folder = 'dist/node_modules/node-forge';
  await build({
    entryPoints: ['node_modules/node-forge/lib/index.js'], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    outfile: `${folder}/index.js`, minify: true, legalComments: 'inline', logLevel: 'warning',
  });
  copyFileSync('node_modules/node-forge/LICENSE', `${folder}/LICENSE`);
}

/** Electron's main process and preload, as CommonJS (a sandboxed preload cannot be ESM). */
async function buildElectron() {
  for (const [entry, outfile] of [['electron/main.ts', 'dist/electron/main.cjs'], ['electron/preload.ts', 'dist/electron/preload.cjs']]) {
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, external: ['electron', 'node-forge'], sourcemap: 'linked', logLevel: 'warning' });
  }
  console.log('built dist/electron');
}

function buildRenderer() {
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'scripts/renderer.vite.config.mjs'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log('built dist/renderer');
}

if (!only || only === 'cli') await buildCli();
if (!only || only === 'renderer') buildRenderer();
if (!only || only === 'electron') await buildElectron();
