import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { HELPER_ENV, HELPER_NODE_FLAGS } from '../service/runtime-flags';

const here = (name: string): string => new URL(name, import.meta.url).pathname;
const UNIT = readFileSync(here('./postern-helper.service'), 'utf8');

/** A systemd unit as sections of key → values (a key may repeat). Throws on a line that is neither. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '' || /^[#;]/.test(line)) continue;
    const section = /^\[([A-Za-z]+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1] ?? '', current);
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!entry || !current) throw new Error(`line ${index + 1} is not "Key=value" inside a section: ${line}`);
    current.set(entry[1] ?? '', [...(current.get(entry[1] ?? '') ?? []), entry[2] ?? '']);
  }
  return sections;
}

test('the unit is well-formed: [Unit], [Service] and [Install], each line a section or Key=value', () => {
  const unit = parseUnit(UNIT);
  assert.deepEqual([...unit.keys()], ['Unit', 'Service', 'Install']);
  assert.deepEqual(unit.get('Install')?.get('WantedBy'), ['multi-user.target']);
  // Keys systemd would warn about and ignore (typos) are caught by systemd-analyze verify in the package test.
});

test('the unit starts the helper with the flags and environment the benchmarks chose (runtime-flags.ts)', () => {
  const service = parseUnit(UNIT).get('Service');
  assert.deepEqual(service?.get('ExecStart'), [['/usr/lib/postern/node', ...HELPER_NODE_FLAGS, '/usr/lib/postern/postern.mjs', 'helper'].join(' ')]);
  assert.deepEqual(service?.get('Environment'), Object.entries(HELPER_ENV).map(([name, value]) => `${name}=${value}`));
});

test('the unit keeps its hardening: the capabilities the helper needs, a read-only system, its own folders', () => {
  const service = parseUnit(UNIT).get('Service');
  const one = (key: string): string | undefined => service?.get(key)?.[0];
  assert.equal(one('CapabilityBoundingSet'), 'CAP_NET_ADMIN CAP_CHOWN');
  assert.equal(one('NoNewPrivileges'), 'yes');
  assert.equal(one('ProtectSystem'), 'strict');
  assert.equal(one('ProtectHome'), 'yes');
  assert.equal(one('RuntimeDirectory'), 'postern');
  assert.equal(one('StateDirectory'), 'postern');
  assert.equal(one('DeviceAllow'), '/dev/net/tun rw');
  assert.equal(service?.get('MemoryDenyWriteExecute'), undefined, 'V8 writes machine code: MemoryDenyWriteExecute would stop the helper');
});

test('the maintainer scripts and the command wrapper are POSIX sh that parses', () => {
  for (const script of ['postinst', 'prerm', 'postrm', 'postern.sh']) {
    const text = readFileSync(here(`./deb/${script}`), 'utf8');
    assert.match(text, /^#!\/bin\/sh\n/, `${script} runs under /bin/sh`);
    const parsed = spawnSync('sh', ['-n', here(`./deb/${script}`)], { encoding: 'utf8' });
    assert.equal(parsed.status, 0, `${script}: ${parsed.stderr}`);
  }
  assert.match(readFileSync(here('./deb/postern.sh'), 'utf8'), /^exec \/usr\/lib\/postern\/node \/usr\/lib\/postern\/postern\.mjs "\$@"$/m);
});

test('removal lifts the kill switch only on remove, never on upgrade (a stopped helper keeps blocking by design)', () => {
  const prerm = readFileSync(here('./deb/prerm'), 'utf8');
  assert.match(prerm, /if \[ "\$1" = remove \]; then[\s\S]*postern\.mjs cleanup/);
  assert.equal(prerm.match(/postern\.mjs cleanup/g)?.length, 1, 'and nowhere else');
});
