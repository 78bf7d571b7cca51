// Proves the layering rules of style.md §2 bite: wrong-way imports fail lint,
// right-way imports pass. Uses ESLint's API on text, so no file is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

// Targets are files that exist: boundaries only judges imports it can resolve.
const cases: Array<{ from: string; code: string; allowed: boolean }> = [
  { from: 'renderer/app/x.ts', code: "import { ok } from '../../core/wire/result';\nexport const b = ok;\n", allowed: false },
  { from: 'renderer/app/x.ts', code: "import { readFileSync } from 'node:fs';\nexport const b = readFileSync;\n", allowed: false },
  { from: 'core/wire/x.ts', code: "import { Secret } from '../index';\nexport const b = Secret;\n", allowed: false },
  { from: 'core/config/x.ts', code: "import { app } from 'electron';\nexport const b = app;\n", allowed: false },
  { from: 'native-helper/server/x.ts', code: "import { Secret } from '../../core/wire/secret';\nexport const b = Secret;\n", allowed: false },
  { from: 'electron/services/x.ts', code: "import { main } from '../../native-helper/cli/main';\nexport const b = main;\n", allowed: false },
  { from: 'native-helper/api/x.ts', code: "import { Secret } from '../../core/index';\nexport const b = Secret;\n", allowed: false },
  { from: 'native-helper/server/x.ts', code: "import { Secret } from '../../core/index';\nexport const b = Secret;\n", allowed: true },
  { from: 'electron/services/x.ts', code: "import { HELPER_PROTOCOL_VERSION } from '../../native-helper/api/version';\nexport const b = HELPER_PROTOCOL_VERSION;\n", allowed: true },
  { from: 'core/config/x.ts', code: "import { ok } from '../wire/result';\nexport const b = ok;\n", allowed: true },
  { from: 'core/config/x.ts', code: "import { readFileSync } from 'node:fs';\nexport const b = readFileSync;\n", allowed: false },
  { from: 'core/client/x.ts', code: "import { readFileSync } from 'node:fs';\nexport const b = readFileSync;\n", allowed: true },
  // The supervisor uses the links; the links never reach back into it.
  { from: 'core/transport/x.ts', code: "import { VpnClient } from '../client/vpn-client';\nexport const b = VpnClient;\n", allowed: false },
  { from: 'core/client/x.ts', code: "import { openTcpLink } from '../transport/tcp-link';\nexport const b = openTcpLink;\n", allowed: true },
];

for (const { from, code, allowed } of cases) {
  const target = /from '([^']+)'/.exec(code)?.[1];
  test(`${from} importing ${target} is ${allowed ? 'allowed' : 'refused'}`, async () => {
    const layeringRules = (await ruleIdsFor(from, code))
      .filter((id) => id === 'boundaries/dependencies' || id === 'no-restricted-imports');
    assert.equal(layeringRules.length === 0, allowed, `rules hit: ${layeringRules.join(', ')}`);
  });
}
