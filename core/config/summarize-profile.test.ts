import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, profileWith } from './test-kit';
import { summarizeProfile } from './summarize-profile';

test('a 64-bit block cipher in data-ciphers, cipher or data-ciphers-fallback is one caution naming each once', () => {
  const cautions = (lines: string): unknown => summarizeProfile(parse(profileWith(lines)).profile).cautions;
  assert.deepEqual(cautions('data-ciphers AES-256-GCM:BF-CBC'), [{ code: 'small_block_cipher', ciphers: ['BF-CBC'] }]);
  assert.deepEqual(cautions('cipher BF-CBC\ndata-ciphers AES-256-GCM:BF-CBC:DES-EDE3-CBC\ndata-ciphers-fallback CAST5-CBC'),
    [{ code: 'small_block_cipher', ciphers: ['BF-CBC', 'DES-EDE3-CBC', 'CAST5-CBC'] }]);
  assert.deepEqual(cautions('cipher BF-CBC'), [{ code: 'small_block_cipher', ciphers: ['BF-CBC'] }], 'announced to the server even when not in data-ciphers');
  assert.deepEqual(cautions('data-ciphers AES-256-GCM:AES-256-CBC:CAMELLIA-256-CBC'), [], '128-bit blocks are not cautioned');
  assert.deepEqual(cautions(''), []);
});
