import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes, parse, profileWith } from '../test-kit';

test('no compression by default, and allow-compression no', () => {
  assert.deepEqual(parse(profileWith('')).profile.compression, { allowCompression: 'no' });
});

test('comp-lzo: no argument is adaptive; no is a quiet stub', () => {
  assert.equal(parse(profileWith('comp-lzo')).profile.compression.compLzo, 'adaptive');
  const stub = parse(profileWith('comp-lzo no'));
  assert.equal(stub.profile.compression.compLzo, 'no');
  assert.deepEqual(codes(stub.problems), []);
  assert.deepEqual(codes(parse(profileWith('comp-lzo yes')).problems), ['1 config.compression_deprecated']);
});

test('compress: empty is the swap stub; real algorithms warn; migrate is for servers', () => {
  assert.equal(parse(profileWith('compress')).profile.compression.compress, '');
  assert.equal(parse(profileWith('compress stub-v2')).profile.compression.compress, 'stub-v2');
  assert.deepEqual(codes(parse(profileWith('compress lz4')).problems), ['1 config.compression_deprecated']);
  assert.deepEqual(codes(parse(profileWith('compress migrate')).problems), ['1 config.server_directive']);
  assert.deepEqual(codes(parse(profileWith('compress zstd')).problems), ['1 config.bad_value']);
});

test('the later of comp-lzo and compress wins', () => {
  assert.deepEqual(parse(profileWith('comp-lzo no\ncompress stub-v2')).profile.compression, { allowCompression: 'no', compress: 'stub-v2' });
  assert.deepEqual(parse(profileWith('compress lz4\ncomp-lzo no')).profile.compression, { allowCompression: 'no', compLzo: 'no' });
});

test('allow-compression', () => {
  assert.equal(parse(profileWith('allow-compression asym')).profile.compression.allowCompression, 'asym');
  assert.deepEqual(codes(parse(profileWith('allow-compression yes')).problems), ['1 config.compression_deprecated']);
  assert.deepEqual(codes(parse(profileWith('comp-noadapt')).problems), ['1 config.directive_ignored']);
});
