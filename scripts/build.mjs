// `npm run build`: bundles what runs outside a checkout. dist/postern.mjs is the CLI
// and helper in one file (node loads it without tsx: ~10× faster start), with the TUN
// addon copied beside it where its loader looks (./build/Release/ next to the bundle).
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
    // Loaded on first use only (core/tls/pkcs12.ts), from node_modules beside the checkout.
    external: ['node-forge'],
    banner: { js: "import { createRequire as __postern_require } from 'node:module'; const require = __postern_require(import.meta.url);" },
    logLevel: 'warning',
  });
  const addon = 'native-helper/addon/build/Release/postern_tun.node';
  if (existsSync(addon)) {
    mkdirSync('dist/build/Release', { recursive: true });
    copyFileSync(addon, 'dist/build/Release/postern_tun.node');
  }
  console.log('built dist/postern.mjs');
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
