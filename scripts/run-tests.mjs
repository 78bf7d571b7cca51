// Runs every *.test.ts under the source folders with Node's own test runner
// (tsx loads TypeScript on Node 20). Node 20 does not expand globs itself,
// so the files are listed here.
//
//   npm test                      every test, lab tests included
//   npm test -- core/config       only files whose path contains "core/config"
//   POSTERN_SKIP_LAB=1 npm test   unit tests only (lab tests skip with a reason)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const roots = ['core', 'native-helper', 'electron', 'renderer', 'e2e', 'bench', 'scripts'];
const filters = process.argv.slice(2);

function* walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.test\.tsx?$/.test(name)) yield path;
  }
}

const files = roots.flatMap((root) => [...walk(root)])
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The browser and Electron-main tests load the built renderer and main from dist/. Built here,
// once, before any test starts: when each test file built what it missed, two files running at
// once rebuilt dist/renderer under each other (vite empties the folder first), and one of them
// read an index.html that was gone for that moment (a CI failure).
if (files.some((file) => file.startsWith('e2e'))) {
  for (const part of ['renderer', 'electron']) {
    const built = spawnSync(process.execPath, ['scripts/build.mjs', part], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) {
      console.error(`npm run build -- ${part} failed`);
      process.exit(1);
    }
  }
}
// One scratch folder per run, shared by all test files: the lab caches its
// throwaway PKI here, so it is generated once per run and never committed.
const labDir = process.env.POSTERN_LAB_DIR ?? mkdtempSync(join(tmpdir(), 'postern-lab-'));
const run = spawnSync(process.execPath, [
  '--import', 'tsx',
  '--test',
  '--test-reporter=spec',
  // Four files at once on CI's 2 cores: lab tests mostly wait on the network and the server,
  // so four halve the wall time (about 220 → 135 s measured) without starving the CPU-bound ones.
  '--test-concurrency=4',
  ...files,
], { stdio: 'inherit', env: { ...process.env, POSTERN_LAB_DIR: labDir } });
if (!process.env.POSTERN_LAB_DIR) rmSync(labDir, { recursive: true, force: true });
process.exit(run.status ?? 1);
