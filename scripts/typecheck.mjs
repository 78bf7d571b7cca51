// Type-checks every top-level folder with its own tsconfig, so each runtime gets
// its own `lib`/`types` (renderer: DOM and no Node; core: Node and no DOM).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const folders = ['core', 'native-helper', 'electron', 'renderer', 'e2e', 'bench'];
let failed = false;
for (const folder of folders) {
  const hasSources = existsSync(folder) && readdirSync(folder, { recursive: true })
    .some((f) => /\.tsx?$/.test(String(f)) && !String(f).includes('node_modules'));
  if (!hasSources) continue;
  // A folder whose code has no Node (the renderer) checks its Node-run tests separately.
  for (const config of ['tsconfig.json', 'tsconfig.test.json'].filter((name) => existsSync(`${folder}/${name}`))) {
    const run = spawnSync('npx', ['tsc', '-p', `${folder}/${config}`], { stdio: 'inherit' });
    if (run.status !== 0) { failed = true; console.error(`typecheck failed in ${folder}/${config}`); }
  }
}
process.exit(failed ? 1 : 0);
