#!/usr/bin/env node
// Bundles what the terminal UI's start takes (dist/cli/tui-entry.js: the UI with Ink, React and
// their modules, and the config layer with the detector registry) into one file,
// dist/cli/tui-entry.bundle.js, which src/cli/main.ts loads when it is there. Ink alone is ~600
// module files (es-toolkit's compat index ~400 of them, for one throttle), the config layer ~100:
// resolving, reading and linking them is most of the time to the first frame; one bundle is read
// and linked once and keeps only what is used. Runs after tsc in `npm run build`. The bundle sits
// beside the module it replaces, one folder under dist/ as the UI's modules are, so paths taken
// from import.meta.url (the engine process it forks) stay the same.
// react-devtools-core (Ink's DEV=true mode, not a dependency) is left out: that mode says so.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'no-devtools' }));
    b.onLoad({ filter: /.*/, namespace: 'no-devtools' }, () => ({
      contents: "export default { initialize() {}, connectToDevTools() { throw new Error('React DevTools are not bundled with snoopy-tui'); } };",
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [join(ROOT, 'dist', 'cli', 'tui-entry.js')],
  outfile: join(ROOT, 'dist', 'cli', 'tui-entry.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS packages inside the bundle (React) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // Ink's layout engine (yoga, emscripten) decides how to load its inlined wasm with
  // `typeof fetch`: reading Node's fetch global loads undici (~20 ms of start-up). The UI itself
  // fetches nothing, so inside the bundle there is no fetch and yoga takes its synchronous path.
  define: { fetch: 'undefined' },
  plugins: [noDevtools],
  logLevel: 'warning',
  legalComments: 'none',
});
