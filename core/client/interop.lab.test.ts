// The interop matrix: our core against Debian's OpenVPN 2.6 server in the lab.
// Each case connects, sends ICMP echo requests built by the test through the tunnel,
// and expects the server's replies back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type LabOptions } from '../../e2e/lab/lab';
import { labSkipReason } from '../../e2e/lab/prerequisites';
import { connectLabClient, type StartOptions } from '../../e2e/lab/lab-client';
import { IV_PROTO, DEFAULT_IV_PROTO } from '../keys/peer-info';

const skip = labSkipReason();

interface Case { name: string; lab: LabOptions; client?: StartOptions; ipv6?: boolean; payload?: Buffer; check?: (info: { cipher: string; keyDerivation: string; compression?: string }) => void }

const cases: Case[] = [
  ...(['udp', 'tcp'] as const).flatMap((proto) => (['none', 'tls-auth', 'tls-crypt', 'tls-crypt-v2'] as const).map((wrap): Case => ({
    name: `${proto} ${wrap} AES-256-GCM`, lab: { proto, wrap }, check: (i) => assert.equal(i.cipher, 'AES-256-GCM'),
  }))),
  { name: 'AES-128-GCM', lab: { serverConfig: ['data-ciphers AES-128-GCM'] }, check: (i) => assert.equal(i.cipher, 'AES-128-GCM') },
  { name: 'CHACHA20-POLY1305', lab: { serverConfig: ['data-ciphers CHACHA20-POLY1305'] }, check: (i) => assert.equal(i.cipher, 'CHACHA20-POLY1305') },
  { name: 'AES-256-CBC + SHA256', lab: { serverConfig: ['data-ciphers AES-256-CBC', 'auth SHA256'] },
    client: { dataCiphers: ['AES-256-GCM', 'AES-256-CBC'], auth: 'SHA256' }, check: (i) => assert.equal(i.cipher, 'AES-256-CBC') },
  { name: 'legacy PRF key derivation (no TLS_KEY_EXPORT announced)', lab: {},
    client: { peerInfo: { version: '2.6.14', guiVersion: 'Postern test', extra: {}, ivProto: DEFAULT_IV_PROTO & ~IV_PROTO.TLS_KEY_EXPORT } },
    check: (i) => assert.equal(i.keyDerivation, 'prf') },
  { name: 'RSA chain', lab: { pki: 'rsa' } },
  { name: 'compress stub-v2 pushed', lab: { serverConfig: ['compress stub-v2', 'push "compress stub-v2"'] }, check: (i) => assert.equal(i.compression, 'stub-v2') },
  { name: 'compress lz4-v2 pushed (asymmetric: we decompress)', lab: { serverConfig: ['allow-compression yes', 'compress lz4-v2', 'push "compress lz4-v2"'] },
    // 1200 zero bytes: the server compresses replies above 100 bytes that shrink.
    client: { allowDecompression: true }, payload: Buffer.alloc(1200), check: (i) => assert.equal(i.compression, 'lz4-v2') },
  { name: 'comp-lzo no on both sides', lab: { serverConfig: ['comp-lzo no', 'push "comp-lzo no"'] }, client: { compression: 'lzo' } },
  { name: 'IPv6 in the tunnel', lab: { ipv6: true }, ipv6: true },
  { name: 'IPv6 transport (udp6 to the server)', lab: {}, client: { remote: 'hostLink6' } },
];

for (const c of cases) {
  test(`interop: ${c.name}`, { skip, timeout: 60_000 }, async (t) => {
    const lab = await startLab(c.lab);
    t.after(() => lab.stop());
    const client = await connectLabClient(lab, c.client);
    t.after(() => client.stop());
    const { info } = client;
    c.check?.({ cipher: info.cipher, keyDerivation: info.keyDerivation, compression: info.config.compression?.framing });
    const result = await client.ping({ count: 4, ipv6: c.ipv6, payload: c.payload });
    if (c.name.includes('lz4-v2')) assert.ok((client.client.counters?.decompressedPackets ?? 0) > 0, 'the server sent compressed replies and we decompressed them');
    assert.ok(result.answered >= 3, `answered ${result.answered}/${result.sent}; drops ${JSON.stringify(client.client.counters?.drops)}`);
    t.diagnostic(`connected in ${client.connectMs.toFixed(0)} ms (${info.cipher}, ${info.keyDerivation}, TLS ${info.tlsVersion})`);
  });
}
