import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { ProfileVerdict } from '../../../../electron/api/app-api';
import { createAppStore } from '../../store/app-store';
import { fakeAppApi } from '../../testing/fake-app-api';
import { renderMarkup } from '../../testing/render-markup';
import { ImportVerdict, omittedProblemsText } from './import-verdict';

const problem = (line: number, severity: string) => ({ line, column: 1, code: 'config.bad_quoting', severity, message: 'The quote (") opened here is never closed.' });

async function verdictMarkup(omittedProblems: number, severity = 'error'): Promise<string> {
  // Validated as the window validates main's answer (app-api-over.ts).
  const verdict = ProfileVerdict.parse({
    fileName: 'quotes.ovpn', suggestedName: 'quotes', connectable: severity !== 'error',
    problems: Array.from({ length: 200 }, (_, i) => problem(i + 1, severity)), omittedProblems,
    summary: { remotes: ['vpn.example.org:1194/udp'], asks: [], serverCheck: [], controlChannel: 'none', dataCiphers: [], routing: [], ignored: [], refused: [] },
  });
  const store = createAppStore(fakeAppApi({ 'profiles.preview': () => verdict }).api);
  assert.equal(await store.getState().preview('quotes.ovpn', '"\n'.repeat(262_000)), true);
  return renderMarkup(store, createElement(ImportVerdict));
}

/** The section (by its heading) that holds the "more problems" line, and whether the line follows every problem. */
function omittedPlace(html: string): { section: string | undefined; afterEveryProblem: boolean } {
  const at = html.indexOf('data-testid="verdict-omitted"');
  const section = [...html.slice(0, at).matchAll(/<section aria-label="([^"]+)"/g)].at(-1)?.[1];
  return { section, afterEveryProblem: at > html.lastIndexOf('data-testid="verdict-problem"') };
}

test('a capped verdict lists its 200 problems and ends that list with "and N more problems not shown"', async () => {
  const html = await verdictMarkup(261_804);
  assert.equal(html.match(/data-testid="verdict-problem"/g)?.length, 200);
  assert.match(html, /data-testid="verdict-omitted" data-count="261804">…and 261,804 more problems not shown\.</);
  assert.deepEqual(omittedPlace(html), { section: 'What must be fixed', afterEveryProblem: true });
});

test('when the list shown ends with warnings, the line ends the warnings', async () => {
  const html = await verdictMarkup(12, 'warning');
  assert.match(html, />…and 12 more problems not shown\.</);
  assert.deepEqual(omittedPlace(html), { section: 'Worth knowing', afterEveryProblem: true });
});

test('a verdict with nothing left out has no such line', async () => {
  assert.doesNotMatch(await verdictMarkup(0), /verdict-omitted|more problem/);
});

test('the wording counts in words people read', () => {
  assert.equal(omittedProblemsText(1), '…and 1 more problem not shown.');
  assert.equal(omittedProblemsText(523_804), '…and 523,804 more problems not shown.');
});

test('files outside the folder are listed; Import waits for the box that allows reading the certificates; the password file is never offered', async () => {
  const verdict = ProfileVerdict.parse({
    fileName: 'p.ovpn', suggestedName: 'p', connectable: true, problems: [], omittedProblems: 0,
    summary: { remotes: ['vpn.example.org:1194/udp'], asks: ['username and password'], serverCheck: [], controlChannel: 'none', dataCiphers: [], routing: [], ignored: [], refused: [] },
    outsideFiles: [
      { directive: 'auth-user-pass', line: 4, path: '/tmp/x/secret.txt', kind: 'secret', status: 'not_read' },
      { directive: 'ca', line: 5, path: '/etc/openvpn/ca.crt', kind: 'certificate', status: 'found' },
    ],
  });
  const sent: unknown[] = [];
  const store = createAppStore(fakeAppApi({
    'profiles.preview': () => verdict,
    'profiles.import': (params) => { sent.push(params); return { id: 'i', name: 'p', remotes: [], asks: [], importedAtMs: 1, hasSavedCredentials: false }; },
  }).api);
  await store.getState().preview('p.ovpn', 'client');
  const html = renderMarkup(store, createElement(ImportVerdict));
  assert.match(html, /<section aria-label="Files outside the profile&#x27;s folder">/);
  assert.match(html, /data-kind="secret" data-status="not_read" data-line="4">.*never reads one from outside/);
  assert.match(html, /data-testid="import-allow-outside"/);
  assert.match(html, /data-testid="import-confirm" disabled=""/);
  await store.getState().confirmImport('p', ['/etc/openvpn/ca.crt']);
  assert.deepEqual(sent, [{ fileName: 'p.ovpn', text: 'client', name: 'p', confirmedFiles: ['/etc/openvpn/ca.crt'] }]);
});

test('the device the profile asks for is among what Postern will use; a verdict from an app before TAP has no such row', async () => {
  const render = async (device?: string): Promise<string> => {
    const verdict = ProfileVerdict.parse({
      fileName: 'bridge.ovpn', suggestedName: 'bridge', connectable: true, problems: [], omittedProblems: 0,
      summary: { remotes: ['vpn.example.org:1194/udp'], asks: [], serverCheck: [], controlChannel: 'none', dataCiphers: [], routing: [], ignored: [], refused: [], ...(device ? { device } : {}) },
    });
    const store = createAppStore(fakeAppApi({ 'profiles.preview': () => verdict }).api);
    assert.equal(await store.getState().preview('bridge.ovpn', 'client\n'), true);
    return renderMarkup(store, createElement(ImportVerdict));
  };
  const tap = 'tap (Ethernet frames, ARP by the kernel; the server must push the address: no DHCP on the device)';
  assert.match(await render(tap), /<dt>Device<\/dt><dd data-testid="verdict-device">tap \(Ethernet frames, ARP by the kernel; the server must push the address: no DHCP on the device\)<\/dd>/);
  assert.doesNotMatch(await render(), /verdict-device/);
});

test('a profile with BF-CBC: the verdict tells what to pass on to the server\'s administrator', async () => {
  const verdict = ProfileVerdict.parse({
    fileName: 'old.ovpn', suggestedName: 'old', connectable: true, problems: [], omittedProblems: 0,
    summary: {
      remotes: ['old.example.org:1194/udp'], asks: [], serverCheck: [], controlChannel: 'none', dataCiphers: ['AES-256-GCM', 'BF-CBC'], routing: [], ignored: [], refused: [],
      cautions: [{ code: 'small_block_cipher', ciphers: ['BF-CBC'] }],
    },
  });
  const store = createAppStore(fakeAppApi({ 'profiles.preview': () => verdict }).api);
  assert.equal(await store.getState().preview('old.ovpn', 'client\n'), true);
  const html = renderMarkup(store, createElement(ImportVerdict));
  assert.match(html, /<section aria-label="Tell the server&#x27;s administrator">/);
  assert.match(html, /data-testid="verdict-caution" data-code="small_block_cipher">BF-CBC encrypts in 64-bit blocks, which is weak: .*SWEET32.*Ask the server&#x27;s administrator to move the server to AES-256-GCM\.</);
});
