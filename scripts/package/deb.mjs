// The postern .deb, staged file by file and built with dpkg-deb (no debhelper): what goes
// where is listed in native-helper/packaging/README.md, and this is the one place doing it.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, lutimesSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { debianCopyright } from './copyright.mjs';

const PACKAGING = 'native-helper/packaging';
const TEMPLATES = `${PACKAGING}/deb`;
const WORK = 'out/deb';
/** Under debian/<package>/, where dpkg-shlibdeps expects the files it examines. */
const ROOT = `${WORK}/debian/postern`;
const LIB = `${ROOT}/usr/lib/postern`;
const DOC = `${ROOT}/usr/share/doc/postern`;

/**
 * Builds out/postern_<version>_amd64.deb from dist/ (`npm run build` output) and the
 * running Node.js binary, which becomes the package's own runtime. Returns its path and sizes.
 */
export function buildDeb() {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  for (const needed of ['dist/postern.mjs', 'dist/build/Release/postern_tun.node', 'dist/node_modules/node-forge/index.js']) {
    if (!existsSync(needed)) throw new Error(`${needed} is missing: run \`npm run build\` (and \`node scripts/build-addon.mjs\` for the addon)`);
  }
  rmSync(WORK, { recursive: true, force: true });
  const time = sourceDate();

  // The runtime: this machine's Node.js, as the addon was built against it (same ABI).
  const runtime = realpathSync(process.execPath);
  install(runtime, `${LIB}/node`, 0o755);
  strip(`${LIB}/node`, 'executable');
  install('dist/postern.mjs', `${LIB}/postern.mjs`, 0o644);
  // The addon's loader looks next to the bundle, in ./build/Release (native-helper/addon/tun-addon.ts).
  install('dist/build/Release/postern_tun.node', `${LIB}/build/Release/postern_tun.node`, 0o644);
  strip(`${LIB}/build/Release/postern_tun.node`, 'library');
  install('dist/node_modules/node-forge/index.js', `${LIB}/node_modules/node-forge/index.js`, 0o644);
  install(`${TEMPLATES}/postern.sh`, `${ROOT}/usr/bin/postern`, 0o755);
  install(`${TEMPLATES}/lintian-overrides`, `${ROOT}/usr/share/lintian/overrides/postern`, 0o644);
  install(`${PACKAGING}/postern-helper.service`, `${ROOT}/usr/lib/systemd/system/postern-helper.service`, 0o644);
  writeGzip(`${ROOT}/usr/share/man/man1/postern.1.gz`, readFileSync(`${TEMPLATES}/postern.1`, 'utf8').replace('@VERSION@', version));
  writeGzip(`${DOC}/changelog.gz`, changelog(version, time));
  write(`${DOC}/copyright`, debianCopyright({ runtimeLicense: nodeLicense(runtime), forgeLicense: readFileSync('dist/node_modules/node-forge/LICENSE', 'utf8') }), 0o644);

  mkdirSync(`${ROOT}/DEBIAN`, { recursive: true });
  for (const script of ['postinst', 'prerm', 'postrm']) install(`${TEMPLATES}/${script}`, `${ROOT}/DEBIAN/${script}`, 0o755);
  write(`${ROOT}/DEBIAN/md5sums`, md5sums(), 0o644);
  const control = readFileSync(`${TEMPLATES}/control`, 'utf8')
    .replace('@VERSION@', version)
    .replace('@SHLIBS@', sharedLibraryDepends([`${LIB}/node`, `${LIB}/build/Release/postern_tun.node`]))
    .replace('@INSTALLED_SIZE@', String(installedSizeKiB(ROOT)));
  write(`${ROOT}/DEBIAN/control`, control, 0o644);

  const path = `out/postern_${version}_amd64.deb`;
  // Same bytes from the same inputs: every file's time is the commit's, tar is sorted by dpkg-deb.
  touchTree(ROOT, time);
  // xz, as Debian's archive and lintian want (lintian 2.116 calls zstd malformed). Level 1: 26 MB
  // in about 20 s on two busy cores, where the default level 6 makes 22 MB in 50 s to 2.5 min.
  run('dpkg-deb', ['--build', '--root-owner-group', '-Zxz', '-z1', ROOT, path], { env: { ...process.env, SOURCE_DATE_EPOCH: String(time) } });
  return { path, bytes: statSync(path).size, installedKiB: installedSizeKiB(ROOT) };
}

function install(from, to, mode) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
}

function write(to, text, mode) {
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, text);
  chmodSync(to, mode);
}

/** gzip -9n: no name or time in the header, as Debian asks for man pages and changelogs. */
function writeGzip(to, text) {
  const bytes = gzipSync(Buffer.from(text), { level: 9 });
  bytes.writeUInt32LE(0, 4); // MTIME: none (Node writes no name)
  write(to, bytes, 0o644);
}

/** What dh_strip does: no symbol table, no .comment/.note (the dynamic symbols stay: addons link against node's OpenSSL and N-API). */
function strip(path, kind) {
  run('strip', ['--remove-section=.comment', '--remove-section=.note', ...(kind === 'library' ? ['--strip-unneeded'] : []), path]);
}

/** The commit's time, so two builds of one commit are the same bytes. */
function sourceDate() {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  const git = spawnSync('git', ['log', '-1', '--format=%ct'], { encoding: 'utf8' });
  return git.status === 0 && /^\d+$/.test(git.stdout.trim()) ? Number(git.stdout.trim()) : Math.floor(Date.now() / 1000);
}

function changelog(version, time) {
  const date = new Date(time * 1000).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1, $2 $3 $4 $5 +0000');
  return `postern (${version}) unstable; urgency=medium\n\n  * Postern ${version}: the postern command and the postern-helper service,\n    with their own Node.js runtime. Changes: the project's git history.\n\n -- Postern contributors <maintainers@postern.invalid>  ${date}\n`;
}

/** Node.js's licence, with every component it bundles (OpenSSL, V8, ICU, libuv, ...). */
function nodeLicense(runtime) {
  for (const path of ['/usr/share/doc/nodejs/LICENSE', '/usr/share/doc/nodejs/copyright', join(dirname(runtime), '..', 'share', 'doc', 'node', 'LICENSE'), join(dirname(runtime), '..', 'LICENSE')]) {
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error(`cannot find the licence of the Node.js at ${runtime} (looked in /usr/share/doc/nodejs)`);
}

/** shlibs:Depends for the ELF files, from dpkg-shlibdeps (which wants a debian/control beside debian/<package>). */
function sharedLibraryDepends(files) {
  write(`${WORK}/debian/control`, 'Source: postern\n\nPackage: postern\nArchitecture: amd64\n', 0o644);
  // The addon's N-API and libuv symbols come from the node binary itself, not a library: not a dependency.
  const result = run('dpkg-shlibdeps', ['-O', '--warnings=0', ...files.map((file) => `-e${relative(WORK, file)}`)], { cwd: WORK });
  const line = result.stdout.split('\n').find((text) => text.startsWith('shlibs:Depends='));
  if (!line) throw new Error(`dpkg-shlibdeps printed no shlibs:Depends:\n${result.stdout}${result.stderr}`);
  return line.slice('shlibs:Depends='.length).trim();
}

/** As dpkg-gencontrol counts it: each file's size rounded up to a KiB, each directory and link 1 KiB. */
function installedSizeKiB(root) {
  let total = 0;
  for (const path of walk(root)) {
    if (relative(root, path).startsWith('DEBIAN')) continue;
    const info = lstatSync(path);
    total += info.isFile() ? Math.ceil(info.size / 1024) : 1;
  }
  return total;
}

function md5sums() {
  const lines = [];
  for (const path of walk(ROOT)) {
    const name = relative(ROOT, path);
    if (name.startsWith('DEBIAN') || !lstatSync(path).isFile()) continue;
    lines.push(`${createHash('md5').update(readFileSync(path)).digest('hex')}  ${name}`);
  }
  return `${lines.sort((a, b) => a.slice(34).localeCompare(b.slice(34))).join('\n')}\n`;
}

function touchTree(root, time) {
  for (const path of [...walk(root), root]) lutimesSync(path, time, time);
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    yield path;
    if (lstatSync(path).isDirectory()) yield* walk(path);
  }
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error?.code === 'ENOENT') throw new Error(`${command} is not installed (Debian: apt-get install dpkg-dev binutils)`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result;
}
