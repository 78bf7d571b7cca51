import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Test-only: a real provider-style inline profile from core's parser fixtures, and a broken one. */
export const GOOD_PROFILE = readFileSync(fileURLToPath(new URL('../../core/config/fixtures/access-server-export.ovpn', import.meta.url)), 'utf8');
export const BROKEN_PROFILE = 'client\ndev tun\nremote\nproto udp\n';
