import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventPrinter } from './event-printer';

test('a state event whose error names the server\'s cipher prints the line to add, after the error', () => {
  let out = '';
  const print = createEventPrinter({ out: (text) => { out += text; }, err: () => undefined }, false);
  print({
    type: 'state', sessionId: 's', profileName: 'old', state: 'disconnected', sinceStartMs: 40, previousStateMs: 1,
    error: { code: 'ncp.no_cipher', message: 'The server uses the data cipher BF-CBC, which is not in this profile\'s data-ciphers (AES-256-GCM).', data: { kind: 'cipher', serverCipher: 'BF-CBC', dataCiphers: ['AES-256-GCM'] } },
  });
  assert.equal(out, 'Disconnected: The server uses the data cipher BF-CBC, which is not in this profile\'s data-ciphers (AES-256-GCM). [ncp.no_cipher]\n'
    + 'The server uses BF-CBC, which the profile does not allow: add it to data-ciphers ("data-ciphers AES-256-GCM:BF-CBC") and the line "providers legacy default". Better: have the server moved to AES-256-GCM.\n');
});
