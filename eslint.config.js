// Lint: TypeScript rules plus the dependency rules of style.md §2, enforced with
// eslint-plugin-boundaries (dependency-cruiser was the alternative; boundaries runs
// inside the same `eslint` pass, so a wrong-way import fails `npm run lint` directly).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';

// core's internal pipeline: each layer may import only the layers before it (plus wire).
const coreLayers = ['wire', 'config', 'framing', 'packet', 'wrap', 'reliable', 'tls', 'keys',
  'control', 'data', 'session', 'auth', 'transport', 'client'];

const elements = [
  ...coreLayers.map((layer) => ({ type: `core-${layer}`, pattern: `core/${layer}` })),
  { type: 'core-testing', pattern: 'core/testing' },
  { type: 'core-index', pattern: 'core/index.ts', mode: 'file' },
  { type: 'helper-api', pattern: 'native-helper/api', },
  { type: 'helper-client', pattern: 'native-helper/client', },
  { type: 'helper', pattern: 'native-helper', },
  { type: 'electron-api', pattern: 'electron/api', },
  { type: 'electron', pattern: 'electron', },
  { type: 'renderer', pattern: 'renderer', },
  { type: 'e2e', pattern: 'e2e', },
  { type: 'bench', pattern: 'bench', },
  { type: 'scripts', pattern: 'scripts', },
];

const to = (...types) => ({ to: { element: { types: { anyOf: types } } } });
const coreLayerPolicies = coreLayers.map((layer, index) => ({
  from: { element: { type: `core-${layer}` } },
  allow: to(...['wire', ...coreLayers.slice(0, index + 1)].map((l) => `core-${l}`)),
}));

const dependencyPolicies = [
  ...coreLayerPolicies,
  { from: { element: { type: 'core-testing' } }, allow: to(...coreLayers.map((l) => `core-${l}`), 'core-testing') },
  { from: { element: { type: 'core-index' } }, allow: to(...coreLayers.map((l) => `core-${l}`)) },
  // contracts load in the renderer too: nothing from the repo.
  { from: { element: { type: 'helper-api' } }, allow: to('helper-api') },
  { from: { element: { type: 'electron-api' } }, allow: to('electron-api', 'helper-api') },
  // The socket client: the contract bound to node:net, for the CLI and electron main alike.
  { from: { element: { type: 'helper-client' } }, allow: to('helper-api') },
  { from: { element: { type: 'helper' } }, allow: to('helper', 'helper-api', 'helper-client', 'core-index') },
  // The single named exception: electron may use the pure profile parser.
  { from: { element: { type: 'electron' } }, allow: to('electron', 'electron-api', 'helper-api', 'helper-client', 'core-config', 'core-wire') },
  { from: { element: { type: 'renderer' } }, allow: to('renderer', 'electron-api') },
  // Tests, benchmarks and scripts may reach any folder.
  { from: { element: { types: { anyOf: ['e2e', 'bench', 'scripts'] } } }, allow: { to: { element: { type: '*' } } } },
];

// Which packages each runtime may load (style.md §2): the renderer and the two
// schema folders must load in a browser; core and the helper never see Electron or React.
// Exact package names (a pattern would also match our own electron/ folder).
const BROWSER_MESSAGE = 'This folder runs in the renderer: no Node built-ins, no electron.';
const browserOnly = {
  paths: ['electron', 'fs', 'path', 'os', 'net', 'child_process', 'crypto'].map((name) => ({ name, message: BROWSER_MESSAGE })),
  patterns: [{ group: ['node:*'], message: BROWSER_MESSAGE }],
};
const PURE_PARSER_MESSAGE = 'core/config is the pure parser: no disk or network (client/import-profile.ts reads files).';
const noUiInCore = {
  patterns: [{ group: ['electron', 'react', 'react-dom', 'zustand', 'react/*'],
    message: 'core/ and native-helper/ never load Electron or UI libraries.' }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'out/**', 'e2e/artifacts/**', 'native-helper/addon/build/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': [2, { default: 'disallow', policies: dependencyPolicies }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Tests may also use the lab harness (e2e/lab) and core's test helpers.
  {
    files: ['**/*.test.ts', '**/*.test.tsx', '**/*.bench.ts'],
    rules: {
      'boundaries/dependencies': [2, { default: 'disallow', policies: [
        ...dependencyPolicies,
        { from: { element: { type: '*' } }, allow: to('e2e', 'core-testing') },
      ] }],
    },
  },
  // Their unit tests run in Node (node:test), not in the browser.
  { files: ['renderer/**', 'native-helper/api/**', 'electron/api/**'], ignores: ['**/*.test.ts'], rules: { 'no-restricted-imports': ['error', browserOnly] } },
  { files: ['core/**', 'native-helper/**'], rules: { 'no-restricted-imports': ['error', noUiInCore] } },
  // The profile parser is pure (electron loads it too): reading the disk is client/import-profile.ts.
  { files: ['core/config/**'], ignores: ['**/*.test.ts'], rules: { 'no-restricted-imports': ['error', {
    paths: ['fs', 'net', 'dgram', 'dns', 'child_process'].map((name) => ({ name, message: PURE_PARSER_MESSAGE })),
    patterns: [...noUiInCore.patterns, { group: ['node:fs', 'node:fs/*', 'node:net', 'node:dgram', 'node:dns', 'node:dns/*', 'node:child_process'], message: PURE_PARSER_MESSAGE }],
  }] } },
  // React's own rules for the window: hooks called unconditionally, effect dependencies
  // complete, and the React Compiler's checks (state set in render, impure renders, ...).
  { files: ['renderer/src/**/*.{ts,tsx}'], ...reactHooks.configs.flat['recommended-latest'] },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
