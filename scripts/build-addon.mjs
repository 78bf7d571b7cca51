// Builds the helper's N-API addon (native-helper/addon) with node-gyp; run by `npm install`.
// The addon is Linux-only for now: elsewhere this prints why it skipped and exits 0; on
// Linux a failed build exits 1, so CI catches it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const addonDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native-helper', 'addon');
const BUNDLED_NODE_GYP = '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';

/** npm's own node-gyp when run as an npm script, else the usual global install, else PATH. */
function nodeGypCommand() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  if (existsSync(BUNDLED_NODE_GYP)) return [process.execPath, BUNDLED_NODE_GYP];
  return ['node-gyp'];
}

/**
 * Inside npm scripts npm passes ~/.npmrc's nodedir as npm_config_nodedir; run directly,
 * node-gyp would try to download headers. The running node's own headers (distro
 * packages and the official tarballs ship include/node) avoid that.
 */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? [`--nodedir=${prefix}`] : [];
}

if (process.platform !== 'linux') {
  console.log(`build-addon: skipped: the addon is Linux-only for now (platform ${process.platform})`);
  process.exit(0);
}

const [program, ...prefix] = nodeGypCommand();
const run = spawnSync(program, [...prefix, 'rebuild', ...nodeDirArgs()], { cwd: addonDir, encoding: 'utf8' });
if (run.status === 0) {
  console.log(`build-addon: built ${join(addonDir, 'build', 'Release', 'postern_tun.node')}`);
  process.exit(0);
}
// The full compiler output for whoever has to fix it, then one line that says why.
const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
process.stderr.write(output);
const reason = run.error ? run.error.message : firstErrorLine(output) ?? `node-gyp exited with ${run.status}`;
console.error(`build-addon: FAILED: ${reason}`);
process.exit(1);

/** The most telling line: a compiler error, else node-gyp's own Error message. */
function firstErrorLine(text) {
  const lines = text.split('\n');
  const compiler = lines.find((line) => /: (fatal )?error: /.test(line));
  const gyp = lines.find((line) => line.startsWith('gyp ERR! stack Error: '));
  return (compiler ?? gyp?.replace('gyp ERR! stack ', ''))?.trim();
}
