// debian/copyright (machine-readable, DEP-5) for the postern package: Postern's code, the npm
// packages esbuild bundled into it (read from the bundle's source map, so the list cannot go
// stale), node-forge, and the Node.js runtime with the licences of everything it bundles.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EXPAT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

/** SPDX identifiers as DEP-5 spells them. */
const DEP5_NAMES = { MIT: 'Expat' };

/**
 * The copyright file. `runtimeLicense` is Node.js's LICENSE as its package installs it;
 * `forgeLicense` node-forge's own (BSD-3-Clause or GPL-2, its words on the choice included).
 */
export function debianCopyright({ runtimeLicense, forgeLicense }) {
  const bundled = bundledPackages('dist/postern.mjs.map');
  const licences = new Set(['Expat', ...bundled.map((p) => p.license)]);
  const holders = bundled.map((p) => p.copyright).filter((line) => line !== undefined);
  const forge = JSON.parse(readFileSync('node_modules/node-forge/package.json', 'utf8'));
  const bsd = forgeLicense.slice(forgeLicense.indexOf('New BSD License')).split(/\n-{20,}/)[0];
  const paragraphs = [
    field('Format', 'https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/')
      + field('Upstream-Name', 'Postern')
      + field('Comment', 'Postern\'s own code, and what it brings along: its Node.js runtime (usr/lib/postern/node),\nthe npm packages bundled into usr/lib/postern/postern.mjs, and node-forge.'),
    field('Files', '*') + field('Copyright', 'Postern contributors') + field('License', 'Expat'),
    field('Files', 'usr/lib/postern/postern.mjs')
      + field('Copyright', ['Postern contributors', ...holders].join('\n'))
      + field('License', [...licences].join(' and '))
      + field('Comment', `Postern's code bundled with these npm packages: ${bundled.map((p) => `${p.name} ${p.version} (${p.spdx})`).join(', ') || 'none'}.`),
    field('Files', 'usr/lib/postern/node_modules/node-forge/*')
      + field('Copyright', '2010, Digital Bazaar, Inc.')
      + field('License', 'BSD-3-Clause or GPL-2')
      + field('Comment', `node-forge ${forge.version}, bundled into one file. In its own words:\n${forgeLicense.slice(0, forgeLicense.indexOf('-----')).trim()}`),
    field('Files', 'usr/lib/postern/node')
      + field('Copyright', 'Node.js contributors, Joyent, Inc. and other Node contributors,\nand the authors of the components Node.js bundles (V8, libuv, OpenSSL, ICU, and others)')
      + field('License', 'Node.js')
      + field('Comment', `Node.js ${process.version}: the runtime the package was built with, unchanged but for stripped symbols.`),
    field('License', `Expat\n${EXPAT}`),
    field('License', `BSD-3-Clause\n${bsd.trim()}`),
    field('License', 'GPL-2\nOn Debian systems, the complete text of the GNU General Public License version 2\ncan be found in /usr/share/common-licenses/GPL-2.'),
    ...[...licences].filter((name) => !['Expat'].includes(name)).map((name) => field('License', `${name}\n${licenceText(bundled, name)}`)),
    field('License', `Node.js\n${withoutFullApacheText(runtimeLicense).trim()}`),
  ];
  return `${paragraphs.join('\n')}`;
}

/** One field: continuation lines indented by a space, empty lines as " .". */
function field(name, value) {
  const [first, ...rest] = value.split('\n');
  return `${name}: ${first}\n${rest.map((line) => (line.trim() === '' ? ' .' : ` ${line.replace(/\t/g, '        ')}`)).join('\n')}${rest.length > 0 ? '\n' : ''}`;
}

/** npm packages whose code is in the bundle: every node_modules path among the source map's sources. */
function bundledPackages(sourceMapPath) {
  const { sources } = JSON.parse(readFileSync(sourceMapPath, 'utf8'));
  const names = new Set();
  for (const source of sources) {
    const after = source.split('node_modules/').at(-1);
    if (after === source) continue;
    const parts = after.split('/');
    names.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return [...names].sort().map((name) => {
    const folder = join('node_modules', name);
    const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const licenceFile = ['LICENSE', 'LICENSE.md', 'LICENCE', 'license'].map((file) => join(folder, file)).find((file) => existsSync(file));
    const text = licenceFile ? readFileSync(licenceFile, 'utf8') : '';
    const copyright = /^\s*Copyright\s+(?:\(c\)\s*)?(.+)$/im.exec(text)?.[1]?.trim();
    return { name, version: pkg.version, spdx: pkg.license, license: DEP5_NAMES[pkg.license] ?? pkg.license, copyright: copyright ? `${copyright} (${name})` : undefined, text };
  });
}

function licenceText(bundled, name) {
  const text = bundled.find((p) => p.license === name)?.text;
  if (!text) throw new Error(`no licence text for ${name} among the bundled packages`);
  return text.trim();
}

/**
 * Node's LICENSE quotes the Apache License 2.0 in full (for OpenSSL and others); Debian
 * points to its own copy instead, as every package does. Everything else stays verbatim
 * (carriage returns aside).
 */
function withoutFullApacheText(text) {
  const lines = text.replace(/\r/g, '').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*Apache License\s*$/.test(line) && /^\s*Version 2\.0, January 2004\s*$/.test(lines[i + 1] ?? '')) {
      const end = lines.findIndex((next, at) => at > i && /^\s*END OF TERMS AND CONDITIONS\s*$/.test(next));
      if (end > i) {
        out.push(`${line.match(/^\s*/)?.[0] ?? ''}[The Apache License, Version 2.0: on Debian systems in /usr/share/common-licenses/Apache-2.0.]`);
        i = end;
        continue;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}
