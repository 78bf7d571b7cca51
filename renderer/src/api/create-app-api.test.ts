import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathOfFile } from './create-app-api';

const file = { name: 'work.ovpn' } as unknown as File;

test("a file's path comes from Electron's preload only; a browser, an empty answer or a throwing bridge give none", () => {
  const bridge = { invoke: () => undefined, subscribe: () => () => undefined };
  assert.equal(pathOfFile(file, { postern: { ...bridge, pathForFile: () => '/home/ann/vpn/work.ovpn' } }), '/home/ann/vpn/work.ovpn');
  assert.equal(pathOfFile(file, { postern: { ...bridge, pathForFile: () => '' } }), undefined);
  assert.equal(pathOfFile(file, { postern: { ...bridge, pathForFile: () => { throw new Error('not a file'); } } }), undefined);
  assert.equal(pathOfFile(file, { postern: bridge }), undefined);
  assert.equal(pathOfFile(file, {}), undefined);
});
