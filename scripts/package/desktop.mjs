// The desktop app's packages (.deb and AppImage) through electron-builder, configured by
// electron-builder.yml. They need Electron's binary, which `npm install` downloads unless
// ELECTRON_SKIP_BINARY_DOWNLOAD is set (as in CI, where it cannot be had): then this says
// so in one line and `npm run package` still succeeds with the postern package alone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** { built: true, outputs } or { built: false, reason }. */
export function buildDesktop() {
  const missing = missingPrerequisite();
  if (missing) return { built: false, reason: missing };
  const electron = spawnSync(process.execPath, ['scripts/build.mjs', 'renderer'], { stdio: 'inherit' }).status === 0
    && spawnSync(process.execPath, ['scripts/build.mjs', 'electron'], { stdio: 'inherit' }).status === 0;
  if (!electron) throw new Error('building the renderer or Electron main failed (above)');
  const builder = spawnSync(process.execPath, ['node_modules/electron-builder/cli.js', '--linux', '--config', 'electron-builder.yml', '--publish', 'never'], { stdio: 'inherit' });
  if (builder.status !== 0) throw new Error(`electron-builder failed (${builder.status})`);
  return { built: true, outputs: readdirSync('out').filter((name) => /\.(AppImage|deb)$/.test(name) && !name.startsWith('postern_')).map((name) => join('out', name)) };
}

function missingPrerequisite() {
  if (!existsSync('node_modules/electron-builder/cli.js')) return 'electron-builder is not installed (npm install installs it as a devDependency)';
  const pathFile = 'node_modules/electron/path.txt';
  if (!existsSync(pathFile)) return 'Electron\'s binary is not installed (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD, or could not download it)';
  const binary = join('node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return `Electron's binary is missing (${binary})`;
  return undefined;
}
