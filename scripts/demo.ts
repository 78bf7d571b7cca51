// `npm run demo` (as root, with openvpn installed): something to connect to. Starts the
// lab's OpenVPN 2.6 server in a network namespace, the Postern helper beside it, and the
// app in browser mode with the lab's profile already imported; Ctrl-C takes it all down.
import { spawn } from 'node:child_process';
import { startAppLab } from '../e2e/app/app-lab';
import { labSkipReason } from '../e2e/lab/prerequisites';

const missing = labSkipReason();
if (missing) {
  console.error(`postern demo: ${missing}. Run it as root on a machine with openvpn (apt-get install openvpn).`);
  process.exit(1);
}
console.log('Starting a demo VPN server in a network namespace, the Postern helper and the app…');
const app = await startAppLab({ proto: 'udp' });
const token = new URL(app.url).searchParams.get('token') ?? '';
const imported = await fetch(new URL('/api/call', app.url), {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-postern-token': token },
  body: JSON.stringify({ method: 'profiles.import', params: { fileName: 'demo.ovpn', text: app.lab.clientProfile({ remote: 'link' }), name: 'Postern demo' } }),
}).then((response) => response.json() as Promise<{ ok: boolean }>);
if (!imported.ok) console.error('postern demo: importing the demo profile failed:', imported);
console.log(`\nOpen Postern: ${app.url}\nThe "Postern demo" profile connects to the lab server; the tunnel lives in the namespace ${app.lab.clientNs}`);
console.log(`(try: sudo ip netns exec ${app.lab.clientNs} ping ${app.lab.tunnel.serverIp}). Ctrl-C stops everything.\n`);
spawn('xdg-open', [app.url], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await app.stop();
console.log('Demo stopped; the namespaces are gone.');
