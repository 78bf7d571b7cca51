import { readFileSync } from 'node:fs';

/** `--auth-file`: username on the first line, password on the second (as openvpn reads it). */
export function readAuthFile(path: string): { ok: true; value: { username: string; password: string } } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, error: `Cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  const [username = '', password] = text.split(/\r?\n/);
  if (username === '' || password === undefined) return { ok: false, error: `${path} must hold the username on the first line and the password on the second.` };
  return { ok: true, value: { username, password } };
}
