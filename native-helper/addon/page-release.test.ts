import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addonSkipReason } from './addon-test-prerequisites';
import { TUN_ADDON_PATH } from './tun-addon';

// releaseStartupPages on a private copy of Node, as the package installs it (/usr/lib/postern/node):
// the pages another process maps are never taken (MADV_PAGEOUT skips them), so the machine's
// shared node would show little. The child reports its file-backed RSS before and after.
const CHILD = `
const rss = () => Number(/RssFile:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const addon = require(process.argv[1]);
const before = rss();
const advised = addon.releaseStartupPages();
console.log(JSON.stringify({ before, advised, after: rss() }));
`;

test('releaseStartupPages hands the Node binary\'s start-up pages back: file RSS falls, the process goes on', { skip: addonSkipReason({ root: false }) }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-pages-'));
  try {
    const node = join(dir, 'node');
    copyFileSync(process.execPath, node);
    const child = spawnSync(node, ['-e', CHILD, TUN_ADDON_PATH], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const { before, advised, after } = JSON.parse(child.stdout) as { before: number; advised: number; after: number };
    assert.ok(advised > 0, 'this kernel (6.x) has MADV_PAGEOUT: the binary\'s read-only mappings were advised');
    assert.ok(after < before / 2, `file RSS ${before} → ${after} bytes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
