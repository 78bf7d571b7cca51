// `npm run package`: the installable packages, into out/.
//   out/postern_<version>_amd64.deb   the postern command and its helper service, with their
//                                     own Node.js runtime (native-helper/packaging/README.md)
//   the desktop app (.deb, AppImage)  through electron-builder where Electron's binary is
//                                     installed; otherwise one line says it was skipped
// Needs dpkg-deb and dpkg-shlibdeps (dpkg-dev), strip (binutils) and a built addon.
import { spawnSync } from 'node:child_process';
import { buildDesktop } from './package/desktop.mjs';
import { buildDeb } from './package/deb.mjs';

const built = spawnSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const deb = buildDeb();
console.log(`built ${deb.path} (${(deb.bytes / 1e6).toFixed(1)} MB, installed ${(deb.installedKiB / 1024).toFixed(1)} MiB)`);

const desktop = buildDesktop();
console.log(desktop.built ? `built the desktop packages: ${desktop.outputs.join(', ')}` : `desktop package skipped: ${desktop.reason}`);
