import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { POSTERN_VERSION, describeVersionMismatch } from './version';

test('POSTERN_VERSION is package.json\'s version (the release the package and `postern --version` name)', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(POSTERN_VERSION, pkg.version);
});

test('a mismatch names both releases and tells the older side to update to the newer one', () => {
  assert.equal(
    describeVersionMismatch({ release: '0.1.0', protocolMajor: 1 }, { name: 'postern-desktop', release: '0.3.0', protocolMajor: 2 }),
    'The helper is Postern 0.1.0 (protocol 1.x); the Postern app is Postern 0.3.0 (protocol 2.x). '
    + 'Update the helper to Postern 0.3.0 or later (the postern package), then restart it: sudo systemctl restart postern-helper.',
  );
  assert.equal(
    describeVersionMismatch({ release: '0.3.0', protocolMajor: 2 }, { name: 'postern-cli', release: '0.1.0', protocolMajor: 1 }),
    'The helper is Postern 0.3.0 (protocol 2.x); this postern command is Postern 0.1.0 (protocol 1.x). Update this postern command to Postern 0.3.0.',
  );
});

test('an unknown release is said as such, and a client name is shown without control characters', () => {
  const message = describeVersionMismatch({ release: undefined, protocolMajor: 3 }, { name: 'x\u001b[2Jy', release: undefined, protocolMajor: 1 });
  assert.equal(message, 'The helper is an unknown release (protocol 3.x); the client "x?[2Jy" is an unknown release (protocol 1.x). '
    + 'Update the client "x?[2Jy" to the same release as the helper.');
});
